using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tessera.Cli.Tests;

/// <summary>Runs the real <c>tessera</c> executable (built beside the tests) as a child process.</summary>
internal static class CliProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "tessera.dll");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // Plain output: no colours or terminal links, whatever the environment says.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        return info;
    }

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunWithInputAsync("", args);

    /// <summary>Runs the executable with <paramref name="input"/> on its standard input, then closes it.</summary>
    public static Task<(int ExitCode, string Output, string Error)> RunWithInputAsync(string input, params string[] args) => RunAsync(StartInfo(args), input);

    /// <summary>Runs a start info made by <see cref="StartInfo"/> (perhaps with its environment changed).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo info, string input = "")
    {
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until a server process answers <c>/healthz</c>; fails with its error output if it exits first.</summary>
    public static async Task WaitForHealthAsync(HttpClient http, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (server.HasExited) Assert.Fail("the server exited: " + await server.StandardError.ReadToEndAsync());
            try
            {
                if ((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "the server did not answer in time");
            await Task.Delay(200);
        }
    }
}
