// Command compose-check loads a Compose file with compose-go, the loader Docker Compose v2 itself
// uses, so a file it accepts is one `docker compose` accepts: JSON-schema validation against the
// Compose specification plus the loader's own checks (dependencies, profiles, volumes...).
// It prints the services and their profiles as JSON, or the loader's error and exits 1.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

type service struct {
	Name        string   `json:"name"`
	Image       string   `json:"image,omitempty"`
	Profiles    []string `json:"profiles,omitempty"`
	Ports       []string `json:"ports,omitempty"`
	Healthcheck bool     `json:"healthcheck"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check docker-compose.yml")
		os.Exit(2)
	}
	file, err := filepath.Abs(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithProfiles([]string{"*"}),
		cli.WithResolvedPaths(true),
		cli.WithName("stream-smarts"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var out []service
	for name, s := range project.Services {
		ports := []string{}
		for _, p := range s.Ports {
			ports = append(ports, fmt.Sprintf("%s:%d", p.Published, p.Target))
		}
		out = append(out, service{Name: name, Image: s.Image, Profiles: s.Profiles, Ports: ports, Healthcheck: s.HealthCheck != nil && !s.HealthCheck.Disable})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]any{"name": project.Name, "services": out})
}
