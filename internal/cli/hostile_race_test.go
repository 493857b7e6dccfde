//go:build race

package cli

// raceBuild: the race detector multiplies memory use, so the hostile batch's
// memory bound does not apply.
const raceBuild = true
