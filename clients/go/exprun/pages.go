package exprun

import (
	"context"
	"iter"
)

// Every List call of the layer returns an iter.Seq2[T, error] (Go 1.23 range-over-func, as the
// newer Google Cloud Go clients' All() methods do): it fetches pages lazily, one call per page
// (retried as an idempotent call), and yields each item with a nil error. A failed page yields
// (zero, err) once and ends the sequence. Breaking out of the loop stops fetching:
//
//	for run, err := range client.ListRuns(ctx, "") {
//		if err != nil { return err }
//		fmt.Println(run.GetName())
//	}

// pages turns a page call into the items of every page. fetch gets a page token ("" first) and
// returns the page's items and the next token ("" on the last page).
func pages[T any](ctx context.Context, fetch func(ctx context.Context, token string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		token := ""
		for {
			items, next, err := fetch(ctx, token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			token = next
		}
	}
}

// Collect gathers a sequence from a List call into a slice, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var all []T
	for item, err := range seq {
		if err != nil {
			return all, err
		}
		all = append(all, item)
	}
	return all, nil
}
