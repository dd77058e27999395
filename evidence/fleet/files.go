package fleet

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReportFiles lists the files the arguments name: a file as given, a
// folder's *.report and *.json files (recursively, symbolic links not
// followed), sorted by path within each folder. A missing argument is an
// error (could not run).
func ReportFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		fi, err := os.Lstat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			if !fi.Mode().IsRegular() {
				return nil, fmt.Errorf("%s: not a regular file", a)
			}
			out = append(out, a)
			continue
		}
		var files []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && (strings.HasSuffix(p, ".report") || strings.HasSuffix(p, ".json")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}
