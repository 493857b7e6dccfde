package cli

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The manifests and scripts in deploy/ run the commands this binary
// accepts: each shard command parses with scan's own flags into shard i of
// N, N agrees with the job's size, and the merge reads where the shards
// write.

func readDeploy(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../deploy/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// job is the part of a batch/v1 Job the tests look at.
type job struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		CompletionMode       string `yaml:"completionMode"`
		Completions          *int   `yaml:"completions"`
		BackoffLimitPerIndex *int   `yaml:"backoffLimitPerIndex"`
		Template             struct {
			Spec struct {
				RestartPolicy  string      `yaml:"restartPolicy"`
				InitContainers []container `yaml:"initContainers"`
				Containers     []container `yaml:"containers"`
				Volumes        []struct {
					Name string `yaml:"name"`
					PVC  *struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
					Secret *struct {
						SecretName string `yaml:"secretName"`
					} `yaml:"secret"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type container struct {
	Name    string   `yaml:"name"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			FieldRef *struct {
				FieldPath string `yaml:"fieldPath"`
			} `yaml:"fieldRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

func readJob(t *testing.T, name string) job {
	t.Helper()
	var j job
	dec := yaml.NewDecoder(bytes.NewReader(readDeploy(t, name)))
	dec.KnownFields(false)
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if j.APIVersion != "batch/v1" || j.Kind != "Job" {
		t.Fatalf("%s: %s %s, want a batch/v1 Job", name, j.APIVersion, j.Kind)
	}
	if j.Spec.Template.Spec.RestartPolicy != "Never" {
		t.Errorf("%s: restartPolicy %q, want Never", name, j.Spec.Template.Spec.RestartPolicy)
	}
	return j
}

// shardCommand parses a shard's command line with scan's flags and checks
// it is shard i of n writing a partial; it returns the partial's path.
func shardCommand(t *testing.T, where string, args []string, i, n int) string {
	t.Helper()
	if len(args) < 2 || args[0] != "laborcheck" || args[1] != "scan" {
		t.Fatalf("%s: command %q is not laborcheck scan", where, args)
	}
	var stderr bytes.Buffer
	cfg, err := parseScanFlags(&ui{out: &bytes.Buffer{}, err: &stderr}, args[2:])
	if err != nil {
		t.Fatalf("%s: laborcheck refuses %q: %s", where, args, stderr.String())
	}
	if cfg.shard == nil || cfg.shard.index != i || cfg.shard.count != n {
		t.Fatalf("%s: %q is not shard %d/%d", where, args, i, n)
	}
	if !strings.HasSuffix(cfg.partial, partialExt) {
		t.Errorf("%s: -partial %s: merge DIR reads *%s files", where, cfg.partial, partialExt)
	}
	if cfg.shardKey == "" {
		t.Errorf("%s: no -shard-key: the partials' hashes of passport numbers would be keyed by what every shard knows", where)
	}
	return cfg.partial
}

func mergeCommand(t *testing.T, where string, args []string) *scanConfig {
	t.Helper()
	if len(args) < 2 || args[0] != "laborcheck" || args[1] != "merge" {
		t.Fatalf("%s: command %q is not laborcheck merge", where, args)
	}
	var stderr bytes.Buffer
	cfg, err := parseMergeFlags(&ui{out: &bytes.Buffer{}, err: &stderr}, args[2:])
	if err != nil {
		t.Fatalf("%s: laborcheck refuses %q: %s", where, args, stderr.String())
	}
	return cfg
}

func TestDeployKubernetes(t *testing.T) {
	shards := readJob(t, "k8s/shard-job.yaml")
	s := shards.Spec
	if s.CompletionMode != "Indexed" {
		t.Errorf("shard job: completionMode %q, want Indexed", s.CompletionMode)
	}
	if s.BackoffLimitPerIndex == nil || *s.BackoffLimitPerIndex < 1 {
		t.Errorf("shard job: want backoffLimitPerIndex, so that a failed shard is retried alone")
	}
	if s.Completions == nil {
		t.Fatal("shard job: no completions")
	}
	n := *s.Completions
	if len(s.Template.Spec.Containers) != 1 {
		t.Fatalf("shard job: %d containers, want 1", len(s.Template.Spec.Containers))
	}
	c := s.Template.Spec.Containers[0]
	indexFromAnnotation := false
	for _, e := range c.Env {
		if e.Name == "JOB_COMPLETION_INDEX" && e.ValueFrom != nil && e.ValueFrom.FieldRef != nil &&
			e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
			indexFromAnnotation = true
		}
	}
	if !indexFromAnnotation {
		t.Error("shard job: JOB_COMPLETION_INDEX is not declared for $(JOB_COMPLETION_INDEX) in the command")
	}
	var partialDir, keyFile string
	for i := range n {
		var args []string
		for _, a := range append(c.Command, c.Args...) {
			args = append(args, strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i)))
		}
		p := shardCommand(t, "shard job", args, i, n)
		if p != fmt.Sprintf("/data/partials/shard-%d.partial", i) {
			t.Errorf("shard job: shard %d writes %s", i, p)
		}
		partialDir = path.Dir(p)
		cfg, _ := parseScanFlags(&ui{out: &bytes.Buffer{}, err: &bytes.Buffer{}}, args[2:])
		keyFile = cfg.shardKey
	}
	if !mounted(c, partialDir) {
		t.Errorf("shard job: %s is on no volume", partialDir)
	}
	// The key file is on a volume made from a Secret.
	keyVolume := ""
	for _, m := range c.VolumeMounts {
		if strings.HasPrefix(keyFile, m.MountPath+"/") {
			keyVolume = m.Name
		}
	}
	fromSecret := false
	for _, v := range s.Template.Spec.Volumes {
		fromSecret = fromSecret || v.Name == keyVolume && v.Secret != nil && v.Secret.SecretName != ""
	}
	if !fromSecret {
		t.Errorf("shard job: the shard key %s is not on a volume made from a Secret", keyFile)
	}

	merge := readJob(t, "k8s/merge-job.yaml")
	ms := merge.Spec.Template.Spec
	mc := ms.Containers[0]
	cfg := mergeCommand(t, "merge job", append(mc.Command, mc.Args...))
	if len(cfg.paths) != 1 || cfg.paths[0] != partialDir {
		t.Errorf("merge job: merges %q, the shards write to %s", cfg.paths, partialDir)
	}
	if !mounted(mc, partialDir) {
		t.Errorf("merge job: %s is on no volume", partialDir)
	}
	if len(ms.InitContainers) != 1 {
		t.Fatalf("merge job: want an init container that waits for the shards")
	}
	wait := ms.InitContainers[0]
	shardsEnv := ""
	for _, e := range wait.Env {
		if e.Name == "SHARDS" {
			shardsEnv = e.Value
		}
	}
	if shardsEnv != strconv.Itoa(n) {
		t.Errorf("merge job waits for SHARDS=%q partials; the shard job has %d", shardsEnv, n)
	}
	if script := strings.Join(wait.Command, " "); !strings.Contains(script, partialDir+"/*"+partialExt) {
		t.Errorf("merge job: the init container does not count %s/*%s", partialDir, partialExt)
	}
	claim := func(j job) string {
		for _, v := range j.Spec.Template.Spec.Volumes {
			if v.Name == "data" && v.PVC != nil {
				return v.PVC.ClaimName
			}
		}
		return ""
	}
	if a, b := claim(shards), claim(merge); a == "" || a != b {
		t.Errorf("the jobs share no data volume: claims %q and %q", a, b)
	}
}

func mounted(c container, dir string) bool {
	for _, m := range c.VolumeMounts {
		if dir == m.MountPath || strings.HasPrefix(dir, strings.TrimSuffix(m.MountPath, "/")+"/") {
			return true
		}
	}
	return false
}

// scriptCommand finds the laborcheck command line of a script starting with
// prefix (joining continued lines) and splits it into words, with vars
// substituted.
func scriptCommand(t *testing.T, script, prefix string, vars map[string]string) []string {
	t.Helper()
	for _, line := range strings.Split(string(readDeploy(t, script)), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		for k, v := range vars {
			line = strings.ReplaceAll(line, k, v)
		}
		if strings.ContainsAny(line, "$`") {
			t.Fatalf("%s: unexpanded shell in %q", script, line)
		}
		return strings.Fields(strings.ReplaceAll(line, `"`, ""))
	}
	t.Fatalf("%s: no line starts with %q", script, prefix)
	return nil
}

func TestDeploySlurm(t *testing.T) {
	script := string(readDeploy(t, "slurm/laborcheck-array.sh"))
	m := regexp.MustCompile(`(?m)^#SBATCH --array=0-(\d+)$`).FindStringSubmatch(script)
	s := regexp.MustCompile(`(?m)^SHARDS=(\d+)$`).FindStringSubmatch(script)
	if m == nil || s == nil {
		t.Fatal("slurm: no --array=0-K or SHARDS=N")
	}
	last, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(s[1])
	if last != n-1 {
		t.Fatalf("slurm: --array=0-%d for %d shards", last, n)
	}
	var dir string
	for i := range n {
		args := scriptCommand(t, "slurm/laborcheck-array.sh", "laborcheck scan", map[string]string{"${SLURM_ARRAY_TASK_ID}": strconv.Itoa(i), "${SHARDS}": s[1], "$KEY": "/home/u/.config/laborcheck/shard-key"})
		dir = path.Dir(shardCommand(t, "slurm", args, i, n))
	}
	cfg := mergeCommand(t, "slurm merge", scriptCommand(t, "slurm/laborcheck-merge.sh", "laborcheck merge", nil))
	if len(cfg.paths) != 1 || path.Clean(cfg.paths[0]) != dir {
		t.Errorf("slurm: the merge reads %q, the shards write to %s", cfg.paths, dir)
	}
}

func TestDeployXargs(t *testing.T) {
	const n = 4
	var dir string
	for i := range n {
		args := scriptCommand(t, "local/xargs-shards.sh", "laborcheck scan", map[string]string{
			"{}/": strconv.Itoa(i) + "/", "shard-{}": "shard-" + strconv.Itoa(i), `"$SHARDS"`: strconv.Itoa(n), `"$ROSTERS"`: "rosters/", `"$KEY"`: "shard-key"})
		dir = path.Dir(shardCommand(t, "xargs", args, i, n))
	}
	cfg := mergeCommand(t, "xargs merge", scriptCommand(t, "local/xargs-shards.sh", "laborcheck merge", nil))
	if len(cfg.paths) != 1 || path.Clean(cfg.paths[0]) != dir {
		t.Errorf("xargs: the merge reads %q, the shards write to %s", cfg.paths, dir)
	}
}
