using System.Diagnostics;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary>
/// The <c>./tessera</c> launcher's decisions, run on a copy of the script in a scratch tree whose <c>dotnet</c> is a
/// small script that records what it was asked (a real build takes minutes and is covered by the real-server tests).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LauncherScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tessera-launcher-").FullName;
    private readonly string _calls;

    public LauncherScriptTests()
    {
        _calls = Path.Combine(_root, "calls.txt");
        File.Copy(Path.Combine(RepoPaths.Root, "tessera"), Path.Combine(_root, "tessera"));
        Directory.CreateDirectory(Path.Combine(_root, "src", "Tessera.Cli"));
        File.WriteAllText(Path.Combine(_root, "src", "Tessera.Cli", "Program.cs"), "// source");
        File.WriteAllText(Path.Combine(_root, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_root, "Directory.Packages.props"), "<Project />");
        var bin = Directory.CreateDirectory(Path.Combine(_root, "fake-bin")).FullName;
        // The fake dotnet: 'build' prints MSBuild-like project lines (sleeping when asked, to be killed), anything else runs the "CLI".
        File.WriteAllText(Path.Combine(bin, "dotnet"), $$"""
            #!/usr/bin/env bash
            echo "$1 $$" >> "{{_calls}}"
            if [ "$1" = build ]; then
              echo "  Tessera.Core -> /x/Tessera.Core.dll"
              [ -n "${FAKE_BUILD_SLEEP:-}" ] && sleep "$FAKE_BUILD_SLEEP"
              echo "  Tessera.Cli -> /x/tessera.dll"
              mkdir -p "{{_root}}/.artifacts/cli" && touch "{{_root}}/.artifacts/cli/tessera.dll"
            fi
            exit 0
            """.Replace("\r", "", StringComparison.Ordinal));
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Path.Combine(_root, "tessera"), (UnixFileMode)0b111_101_101);
    }

    [Fact]
    public void The_first_run_builds_and_lists_each_project_as_it_is_built()
    {
        var (stderr, _) = Run();
        Assert.Contains("built Tessera.Core", stderr, StringComparison.Ordinal);
        Assert.Contains("built Tessera.Cli", stderr, StringComparison.Ordinal);
        Assert.Equal(["build", "/"], Calls().Select(c => c.Verb.StartsWith('/') ? "/" : c.Verb));
    }

    [Fact]
    public void Build_output_newer_than_the_cli_does_not_make_it_rebuild_but_a_changed_source_does()
    {
        Run();
        Touch(Path.Combine("src", "Tessera.Cli", "obj", "project.assets.json"));
        Touch(Path.Combine("src", "Tessera.Cli", "bin", "Release", "appsettings.json"));
        Run();
        Assert.Equal(1, Calls().Count(c => c.Verb == "build"));

        Touch(Path.Combine("src", "Tessera.Cli", "Program.cs"));
        Run();
        Assert.Equal(2, Calls().Count(c => c.Verb == "build"));
    }

    [Fact]
    public async Task A_launcher_killed_during_the_build_takes_the_build_with_it()
    {
        using var launcher = Start(new Dictionary<string, string> { ["FAKE_BUILD_SLEEP"] = "60" });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Calls().Any(c => c.Verb == "build"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the launcher never started its build");
            await Task.Delay(50);
        }
        var build = Calls().Single(c => c.Verb == "build").Pid;
        using (var kill = Process.Start("kill", ["-TERM", launcher.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        await launcher.WaitForExitAsync();

        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (IsAlive(build))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the build (pid {build}) outlived its launcher");
            await Task.Delay(50);
        }
    }

    private (string Stderr, int ExitCode) Run()
    {
        using var process = Start([]);
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stderr);
        return (stderr, process.ExitCode);
    }

    private Process Start(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Path.Combine(_root, "tessera"), "version")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment["PATH"] = Path.Combine(_root, "fake-bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    private List<(string Verb, int Pid)> Calls() =>
        File.Exists(_calls)
            ? File.ReadAllLines(_calls).Select(l => l.Split(' ')).Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList()
            : [];

    private void Touch(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        // Newer than the built CLI whatever the file system's timestamp resolution.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        // A zombie has exited; only its parent has not reaped it yet.
        var fields = File.ReadAllText(stat);
        return fields[(fields.LastIndexOf(')') + 2)..][0] != 'Z';
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
