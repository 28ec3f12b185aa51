using System.Diagnostics;
using System.Net;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

public class UpCommandTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Up_serves_health_probes_and_a_loopback_demo_token_and_cli_tokens_work_until_revoked(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var port = CliProcess.FreePort();
        using var server = Process.Start(CliProcess.StartInfo("up", "--data-dir", scratch.DataDir, "--database", scratch.Target, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        var output = server.StandardOutput.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await CliProcess.WaitForHealthAsync(http, server);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

            // The demo token is written beside the data once the server is up, and works from loopback.
            var demoFile = Path.Combine(scratch.DataDir, "demo-token");
            for (var i = 0; i < 300 && !File.Exists(demoFile); i++) await Task.Delay(100);
            var demo = (await File.ReadAllTextAsync(demoFile)).Trim();
            Assert.Equal(HttpStatusCode.OK, (await Me(http, demo)).StatusCode);

            // The export client explains a missing token, an unknown run and a bad token in plain words.
            var serverUrl = $"http://127.0.0.1:{port}";
            var outFile = Path.Combine(scratch.DataDir, "export.json");
            var noToken = await CliProcess.RunAsync("omics", "export", Guid.CreateVersion7().ToString(), "--server", serverUrl, "--out", outFile);
            Assert.Equal(1, noToken.ExitCode);
            Assert.Contains("No API token", noToken.Error, StringComparison.Ordinal);
            var unknownRun = await CliProcess.RunAsync("omics", "export", Guid.CreateVersion7().ToString(), "--server", serverUrl, "--demo", "--data-dir", scratch.DataDir, "--out", outFile);
            Assert.Equal(1, unknownRun.ExitCode);
            Assert.Contains("was not found", unknownRun.Error, StringComparison.Ordinal);
            var badToken = await CliProcess.RunAsync("omics", "export", Guid.CreateVersion7().ToString(), "--server", serverUrl, "--token", "tsr_nope", "--out", outFile);
            Assert.Contains("refused the token", badToken.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(outFile));

            // A token made by the CLI works against the running server until the CLI revokes it.
            string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
            var created = await CliProcess.RunAsync(["token", "create", "--user", "ops@example.com", "--org", "ops", "--expires", "7d", .. data]);
            Assert.Equal(0, created.ExitCode);
            var token = created.Output.Trim().Split('\n')[^1];
            Assert.StartsWith("tsr_", token, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await Me(http, token)).StatusCode);
            Assert.Equal(0, (await CliProcess.RunAsync(["token", "revoke", token, .. data])).ExitCode);
            var revoked = await Me(http, token);
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
            Assert.Contains("TOKEN_REVOKED", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        Assert.Contains($"http://127.0.0.1:{port}", await output, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> Me(HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/me", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }
}
