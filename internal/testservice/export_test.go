package testservice

// DockerAvailable exposes the once-per-process Docker check to the external
// tests.
var DockerAvailable = dockerAvailable
