package rules

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/laborcheck/laborcheck/internal/contract"
)

// TestTablePaths: a table is a regular file inside its rule file's folder,
// of at most MaxTableSize bytes; anything else is a lint error naming the
// file, never a read of it.
func TestTablePaths(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links and named pipes")
	}
	top := t.TempDir()
	dir := filepath.Join(top, "rules")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "tables"), 0o755))
	write := func(name, data string) {
		require.NoError(t, os.WriteFile(filepath.Join(top, name), []byte(data), 0o644))
	}
	write("outside.csv", "country,age\nMY,18\n")
	write("rules/tables/ages.csv", "country,age\nMY,18\n")
	require.NoError(t, os.Symlink("ages.csv", filepath.Join(dir, "tables", "link-in.csv")))
	require.NoError(t, os.Symlink("../../outside.csv", filepath.Join(dir, "tables", "link-out.csv")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.csv")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe.csv"), 0o644))
	big, err := os.Create(filepath.Join(dir, "big.csv"))
	require.NoError(t, err)
	require.NoError(t, big.Truncate(MaxTableSize+1)) // sparse: no disk used
	require.NoError(t, big.Close())

	cases := []struct {
		file string
		want string // "" when the table loads
	}{
		{file: "tables/ages.csv"},
		{file: "tables/link-in.csv"},
		{file: "./tables/../tables/ages.csv"},
		{file: "../outside.csv", want: `table "t": ../outside.csv: outside the rule file's folder`},
		{file: "tables/../../outside.csv", want: "outside the rule file's folder"},
		{file: filepath.Join(top, "outside.csv"), want: "outside the rule file's folder: name it relative to the rule file"},
		{file: "/dev/zero", want: "outside the rule file's folder"},
		{file: "tables/link-out.csv", want: "tables/link-out.csv: a symbolic link leads outside the rule file's folder"},
		{file: "zero.csv", want: "a symbolic link leads outside the rule file's folder"},
		{file: "pipe.csv", want: "pipe.csv is a named pipe, not a regular file"},
		{file: "tables", want: "tables is a folder, not a file"},
		{file: "big.csv", want: "big.csv is 67108865 bytes; at most 67108864 bytes are read"},
	}
	env, err := NewEnv(contract.DefaultSchema())
	require.NoError(t, err)
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			src := "tables:\n  t: {file: '" + tc.file + "', key: country}\nrules:\n" +
				"  - {id: r, title: t, indicator: child_labour, severity: high, references: [r], message: m,\n" +
				"     expr: 'contract.age < tables.t(contract.employer_country).age'}\n"
			path := filepath.Join(dir, "r.yaml")
			require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
			set, errs := Load([]string{path}, LoadOptions{})
			if tc.want == "" {
				require.Empty(t, errs, errs.Detail())
				_, errs = env.Compile(set, CompileOptions{})
				assert.Empty(t, errs, errs.Detail())
				return
			}
			require.Len(t, errs, 1, errs.Detail())
			assert.Contains(t, errs[0].Msg, tc.want)
			assert.Equal(t, [2]int{2, 13}, [2]int{errs[0].Line, errs[0].Col}, "at the file name")
			assert.NotEmpty(t, errs[0].Hint)
		})
	}
}

// TestReadLimited: option files are regular files under a size limit.
func TestReadLimited(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.yaml")
	require.NoError(t, os.WriteFile(ok, []byte("waivers: []\n"), 0o644))
	data, err := ReadLimited(ok, 100)
	require.NoError(t, err)
	assert.Equal(t, "waivers: []\n", string(data))

	_, err = ReadLimited(ok, 5)
	assert.EqualError(t, err, ok+" is 12 bytes; at most 5 bytes are read")
	var tl *TooLargeError
	assert.ErrorAs(t, err, &tl)

	_, err = ReadLimited(dir, 100)
	assert.EqualError(t, err, dir+" is a folder, not a file")

	if runtime.GOOS != "windows" {
		_, err = ReadLimited("/dev/zero", MaxTableSize)
		assert.EqualError(t, err, "/dev/zero is a device, not a regular file")
		pipe := filepath.Join(dir, "pipe")
		require.NoError(t, syscall.Mkfifo(pipe, 0o644))
		_, err = ReadLimited(pipe, 100) // refused without waiting for a writer
		assert.EqualError(t, err, pipe+" is a named pipe, not a regular file")
	}
	_, err = ReadLimited(filepath.Join(dir, "missing"), 100)
	assert.True(t, strings.HasPrefix(err.Error(), "open "), err.Error())
	assert.Equal(t, "64 MiB", byteSize(64<<20))
	assert.Equal(t, "70.5 MiB", byteSize(70<<20+512<<10))
}
