using System.Diagnostics;
using System.Net;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

public class UpCommandTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Up_migrates_and_answers_health_probes_on_the_chosen_port(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var port = CliProcess.FreePort();
        using var server = Process.Start(CliProcess.StartInfo("up", "--data-dir", scratch.DataDir, "--database", scratch.Target, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        var output = server.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForAsync(http, "/healthz", server);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        Assert.Contains($"http://127.0.0.1:{port}", await output, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(HttpClient http, string path, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (server.HasExited) Assert.Fail("the server exited: " + await server.StandardError.ReadToEndAsync());
            try
            {
                if ((await http.GetAsync(new Uri(path, UriKind.Relative))).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            Assert.True(DateTime.UtcNow < deadline, "the server did not answer in time");
            await Task.Delay(200);
        }
    }
}
