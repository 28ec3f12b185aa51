using System.Diagnostics;

namespace Tessera.Jobs.Tests;

/// <summary>A real <c>tessera worker</c> process (the tessera.dll built beside the tests), killed with SIGKILL on demand.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "tessera.dll");
    private readonly Process _process;

    public WorkerProcess(string dataDir, string database, int concurrency, string kinds, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Dll, "worker", "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture), "--kinds", kinds, "--data-dir", dataDir, "--database", database })
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        info.Environment["NO_COLOR"] = "1";
        _process = Process.Start(info)!;
        // Drained so a chatty worker never blocks on a full pipe.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown code runs, leases are left to expire.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
