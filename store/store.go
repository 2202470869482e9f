package store

import "context"

// MutableStore reads and writes named artifacts. Implementations are safe for
// concurrent use by multiple goroutines.
type MutableStore interface {
	// Read returns the content last written under name. It returns an error
	// matching ErrNotFound when name has never been written (or was deleted),
	// and only then.
	Read(ctx context.Context, name string) (string, error)

	// Write stores content under name, replacing any previous content. A
	// concurrent Read sees either the old or the new content, whole. A write
	// that fails leaves the previous content readable; over a network it may
	// still have been applied (the reply, not the request, can be what was
	// lost), so after an error a Read returns the old content or the new.
	Write(ctx context.Context, name, content string) error
}

// Deleter is implemented by stores that can remove a name. Deleting a name
// that does not exist is not an error.
type Deleter interface {
	Delete(ctx context.Context, name string) error
}
