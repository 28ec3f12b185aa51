using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Cli.Tests;

/// <summary>
/// One real <c>tessera up</c> process per dialect, and everything a client does beside it: every GET route of the
/// running server held to its OpenAPI document, every export format through the API and the CLI, and the success
/// path of each CLI verb that has no test of its own elsewhere. One process start keeps it fast.
/// </summary>
public partial class UpCommandTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Up_serves_every_route_and_export_and_every_cli_verb_succeeds_beside_it(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var port = CliProcess.FreePort();
        using var server = Process.Start(CliProcess.StartInfo("up", "--data-dir", scratch.DataDir, "--database", scratch.Target, "--port", port.ToString(CultureInfo.InvariantCulture)))!;
        var output = server.StandardOutput.ReadToEndAsync();
        var serverUrl = $"http://127.0.0.1:{port}";
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(serverUrl) };
            await CliProcess.WaitForHealthAsync(http, server);

            // The demo token is written beside the data once the server is up, and works from loopback.
            var demoFile = Path.Combine(scratch.DataDir, "demo-token");
            for (var i = 0; i < 300 && !File.Exists(demoFile); i++) await Task.Delay(100);
            var demo = (await File.ReadAllTextAsync(demoFile)).Trim();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demo);
            var contract = OpenApiContract.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
            var api = new ContractClient(http, contract);
            var run = await DemoRunAsync(api);

            await EveryExportFormatAsync(api, scratch, serverUrl, run);
            await EveryGetRouteAsync(api, scratch, run);
            Assert.Empty(contract.Operations.Where(o => o.StartsWith("GET ", StringComparison.Ordinal)).Except(api.Exercised));

            await ExportClientErrorsAsync(scratch, serverUrl);
            await PasswordSetByTheCliSignsInAsync(http, scratch);
            await TokensMadeByTheCliWorkUntilRevokedAsync(http, scratch);
            await EmbedAndIndexFilesAsync(scratch);
            await JobsBenchAsync(scratch);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        Assert.Contains(serverUrl, await output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Up_on_a_port_in_use_says_so_in_one_line_naming_the_port_and_the_option(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var (code, output, error) = await CliProcess.RunAsync("up", "--data-dir", scratch.DataDir, "--database", scratch.Target, "--port", port);

        Assert.Equal(1, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains(port, line, StringComparison.Ordinal);
        Assert.Contains("--port", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    /// <summary>The data options every operator verb takes, pointing at the running server's data.</summary>
    private static string[] Data(ScratchDatabase scratch) => ["--data-dir", scratch.DataDir, "--database", scratch.Target];

    private static Task<HttpResponseMessage> Me(HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/me", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }

    /// <summary>Fails with the verb's output unless it exited 0; returns its standard output.</summary>
    private static async Task<string> SucceedsAsync(Task<(int ExitCode, string Output, string Error)> run)
    {
        var (exitCode, stdout, stderr) = await run;
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{stderr}");
        return stdout;
    }
}
