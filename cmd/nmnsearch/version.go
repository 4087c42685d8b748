package main

import (
	"fmt"
	"runtime/debug"
)

// versionLine is what -version prints: the module's version and the VCS
// revision the binary was built from, as the Go toolchain recorded them
// (go build records the revision; go run and -buildvcs=false do not).
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "nmnsearch: no build information"
	}
	rev, when, modified := "", "", ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " with uncommitted changes"
			}
		}
	}
	if rev == "" {
		return fmt.Sprintf("nmnsearch %s, revision unknown (built without VCS information), %s", bi.Main.Version, bi.GoVersion)
	}
	return fmt.Sprintf("nmnsearch %s, revision %s (%s)%s, %s", bi.Main.Version, rev, when, modified, bi.GoVersion)
}
