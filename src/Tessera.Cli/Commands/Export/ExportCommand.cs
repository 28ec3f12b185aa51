using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tessera.Cli.Commands.Up;
using Tessera.Core;
using Tessera.Core.Errors;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Commands.Export;

/// <summary>
/// <c>tessera export run</c>: downloads a run's export from a server with a bearer token, and explains in plain
/// words what to do about a missing token, a refused token or a run that cannot be found.
/// </summary>
internal static class ExportCommand
{
    public const string TokenVariable = "TESSERA_TOKEN";

    public static Command Create()
    {
        var command = new Command("export", "Download exports from a Tessera server.");
        command.Subcommands.Add(CreateRun());
        return command;
    }

    private static Command CreateRun()
    {
        var runId = new Argument<Guid>("run-id") { Description = "The run to export." };
        var server = new Option<string>("--server") { Description = "The server's base URL.", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var token = new Option<string?>("--token") { Description = $"API token (default: the {TokenVariable} environment variable)." };
        var demo = new Option<bool>("--demo") { Description = "Use the local demo token (only for a server on this machine)." };
        var dataDir = new Option<string?>("--data-dir") { Description = $"Where 'tessera up' keeps the demo token (default {TesseraConfiguration.DefaultDataDir})." };
        var format = new Option<string>("--format") { Description = "json (OmicsToken v1), csv or npy.", DefaultValueFactory = _ => "json" };
        var output = new Option<string>("--out") { Description = "File to write (written atomically).", Required = true };
        var command = new Command("run", "Export a run as OmicsToken v1 JSON, CSV or NPY.");
        command.Arguments.Add(runId);
        foreach (var o in new Option[] { server, token, demo, dataDir, format, output }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var baseUri = ParseServer(parse.GetValue(server)!);
            var bearer = ResolveToken(parse.GetValue(token), parse.GetValue(demo), parse.GetValue(dataDir), baseUri);
            var kind = parse.GetValue(format)!;
            if (kind is not ("json" or "csv" or "npy")) throw TesseraException.Validation($"Unknown format '{kind}': use json, csv or npy.");
            var id = parse.GetValue(runId);

            using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(30) };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/omics/runs/{id}/export?format={kind}", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw TesseraException.Validation($"Cannot reach the server at {baseUri}: {e.Message}. Is it running ('tessera up')?");
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode) throw await ExplainAsync(response, id, ct).ConfigureAwait(false);
                var path = parse.GetValue(output)!;
                await AtomicFile.WriteAsync(path, (file, token) => response.Content.CopyToAsync(file, token), ct).ConfigureAwait(false);
                Console.WriteLine($"Wrote {new FileInfo(path).Length} bytes to {path}.");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Uri ParseServer(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw TesseraException.Validation($"'{text}' is not a server URL; expected e.g. http://127.0.0.1:8080.");

    private static string ResolveToken(string? explicitToken, bool demo, string? dataDir, Uri server)
    {
        if (!string.IsNullOrWhiteSpace(explicitToken)) return explicitToken.Trim();
        if (demo)
        {
            if (!server.IsLoopback)
                throw TesseraException.Validation($"--demo only works with a server on this machine; {server} is not. Pass --token or set {TokenVariable}.");
            var file = Path.Combine(Path.GetFullPath(dataDir ?? TesseraConfiguration.DefaultDataDir), DemoAccess.TokenFileName);
            if (!File.Exists(file))
                throw TesseraException.Validation($"No demo token at {file}: start the server with 'tessera up' (same --data-dir) first.");
            return File.ReadAllText(file).Trim();
        }
        var fromEnvironment = Environment.GetEnvironmentVariable(TokenVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment.Trim();
        throw TesseraException.Validation(
            $"No API token. Pass --token, set {TokenVariable}, or use --demo against a local 'tessera up'. " +
            "Create one with 'tessera token create --user you@example.com'.");
    }

    private static async Task<TesseraException> ExplainAsync(HttpResponseMessage response, Guid runId, CancellationToken cancellationToken)
    {
        string? code = null;
        string? detail = null;
        try
        {
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).RootElement;
            code = body.TryGetProperty("code", out var c) ? c.GetString() : null;
            detail = body.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }
        catch (JsonException)
        {
        }
        var message = (response.StatusCode, code) switch
        {
            (HttpStatusCode.Unauthorized, "TOKEN_EXPIRED") => "The server refused the token: it has expired. Create a new one ('tessera token create').",
            (HttpStatusCode.Unauthorized, "TOKEN_REVOKED") => "The server refused the token: it has been revoked. Create a new one ('tessera token create').",
            (HttpStatusCode.Unauthorized, "TOKEN_LOOPBACK_ONLY") => "The server refused the demo token: it only works from the server's own machine.",
            (HttpStatusCode.Unauthorized, _) => "The server refused the token: it is not valid for this server (mistyped, or made for another deployment).",
            (HttpStatusCode.NotFound, _) => $"Run {runId} was not found: it does not exist, or it belongs to another user or organization.",
            (HttpStatusCode.Forbidden, _) => $"The token may not export runs: {detail}",
            (HttpStatusCode.Conflict, _) => $"Run {runId} cannot be exported yet: {detail}",
            _ => $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail ?? "no details"}",
        };
        return new TesseraException(code ?? ErrorCodes.InternalError, (int)response.StatusCode, message);
    }
}
