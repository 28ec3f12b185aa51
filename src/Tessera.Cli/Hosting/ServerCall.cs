using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tessera.Cli.Commands.Up;
using Tessera.Core.Errors;
using Tessera.Server.Hosting;

namespace Tessera.Cli.Hosting;

/// <summary>
/// A verb's call to a running server with a bearer token: where the token comes from (flag, environment, the local
/// demo token) and, in plain words, what to do about a missing token, a refused one or something not found.
/// </summary>
internal static class ServerCall
{
    public const string TokenVariable = "TESSERA_TOKEN";

    public static void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(new Option<string>("--server") { Description = "The server's base URL.", DefaultValueFactory = _ => "http://127.0.0.1:8080" });
        command.Options.Add(new Option<string?>("--token") { Description = $"API token (default: the {TokenVariable} environment variable)." });
        command.Options.Add(new Option<bool>("--demo") { Description = "Use the local demo token (only for a server on this machine)." });
        command.Options.Add(new Option<string?>("--data-dir") { Description = $"Where 'tessera up' keeps the demo token (default {TesseraConfiguration.DefaultDataDir})." });
    }

    public static async Task<HttpResponseMessage> GetAsync(ParseResult parse, string path, string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var baseUri = ParseServer(parse.GetValue<string>("--server")!);
        var bearer = ResolveToken(parse.GetValue<string?>("--token"), parse.GetValue<bool>("--demo"), parse.GetValue<string?>("--data-dir"), baseUri);
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw TesseraException.Validation($"Cannot reach the server at {baseUri}: {e.Message}. Is it running ('tessera up')?");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ExplainAsync(response, subject, cancellationToken).ConfigureAwait(false);
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

    private static async Task<TesseraException> ExplainAsync(HttpResponseMessage response, string subject, CancellationToken cancellationToken)
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
            (HttpStatusCode.NotFound, _) => $"{subject} was not found: it does not exist, or it belongs to another user or organization.",
            (HttpStatusCode.Forbidden, _) => $"The token may not do this: {detail}",
            (HttpStatusCode.Conflict, _) => $"{subject} is not ready for this yet: {detail}",
            _ => $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail ?? "no details"}",
        };
        return new TesseraException(code ?? ErrorCodes.InternalError, (int)response.StatusCode, message);
    }
}
