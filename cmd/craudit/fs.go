package main

import "os"

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func mkdir(p string) error { return os.MkdirAll(p, 0o755) }
