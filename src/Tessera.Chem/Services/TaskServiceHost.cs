using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Core.Errors;

namespace Tessera.Chem.Services;

/// <summary>
/// A C# task service (<c>tessera chem service</c>): serves the task implementations it was given over Kestrel
/// (GET /health, POST /execute), registers them with a Tessera server with an organization admin's token, heartbeats
/// every heartbeat_seconds the server asked for (registering again when dropped), and deregisters when stopped.
/// </summary>
internal sealed class TaskServiceHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient server;
    private readonly DescriptorsTask descriptors = DescriptorsTask.Create();
    private Guid? id;
    private int heartbeatSeconds = 10;

    public string Url { get; private set; } = "";

    public int Executed => executed;
    private int executed;

    private TaskServiceHost(WebApplication app, Uri serverUrl, string token)
    {
        this.app = app;
        server = new HttpClient { BaseAddress = serverUrl, Timeout = TimeSpan.FromSeconds(30) };
        server.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static IReadOnlyList<string> Supported { get; } = [DescriptorsTask.Name];

    /// <summary>Starts serving on host:port (0: any free port) and registers; <paramref name="advertise"/> overrides the URL sent to the server.</summary>
    public static async Task<TaskServiceHost> StartAsync(
        IReadOnlyList<string> tasks, Uri serverUrl, string token, string host, int port, string? advertise, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var unknown = tasks.Except(Supported, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0 || tasks.Count == 0)
            throw TesseraException.Validation($"This service runs {string.Join(", ", Supported)}; not {string.Join(", ", unknown)}.");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Parse(host), port));
        var app = builder.Build();
        var service = new TaskServiceHost(app, serverUrl, token);
        app.MapGet("/health", () => Results.Ok(new JsonObject { ["status"] = "ok", ["tasks"] = new JsonArray([.. tasks.Select(t => JsonValue.Create(t))]) }));
        app.MapPost("/execute", service.ExecuteAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        service.Url = (advertise ?? bound).TrimEnd('/');
        await service.RegisterAsync(cancellationToken).ConfigureAwait(false);
        return service;
    }

    private async Task<IResult> ExecuteAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonObject? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Problem(400, ErrorCodes.ValidationFailed, "The body is not JSON: " + e.Message);
        }
        if (body?["task"]?.GetValue<string>() != DescriptorsTask.Name || body["version"]?.GetValue<int>() != DescriptorsTask.Version)
            return Problem(404, ChemErrorCodes.TaskNotExecutable, $"This service runs {DescriptorsTask.Name} v{DescriptorsTask.Version} only.");
        try
        {
            var result = await descriptors.RunAsync(body["parameters"] as JsonObject ?? [], cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref executed);
            return Results.Json(result);
        }
        catch (TesseraException e)
        {
            return Problem(e.Status, e.Code, e.Message);
        }
    }

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var registration = new JsonObject
        {
            ["url"] = Url,
            ["tasks"] = new JsonArray(new JsonObject { ["name"] = DescriptorsTask.Name, ["version"] = DescriptorsTask.Version }),
            ["tool_versions"] = new JsonObject { ["tessera"] = typeof(TaskServiceHost).Assembly.GetName().Version?.ToString(), ["openbabel"] = "obabel on PATH" },
        };
        using var response = await server.PostAsJsonAsync(new Uri("/api/v1/chem/services", UriKind.Relative), registration, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new TesseraException(ChemErrorCodes.ServiceFailed, (int)response.StatusCode, $"Registering with {server.BaseAddress} failed ({(int)response.StatusCode}): {text}");
        var answer = JsonNode.Parse(text)!;
        id = Guid.Parse(answer["id"]!.GetValue<string>());
        heartbeatSeconds = answer["heartbeat_seconds"]?.GetValue<int>() ?? heartbeatSeconds;
    }

    /// <summary>Heartbeats until cancelled (registering again after a 404: the server dropped it), then deregisters.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(heartbeatSeconds), cancellationToken).ConfigureAwait(false);
                try
                {
                    using var response = await server.PostAsync(new Uri($"/api/v1/chem/services/{id}/heartbeat", UriKind.Relative), null, cancellationToken).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.NotFound) await RegisterAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    await Console.Error.WriteLineAsync($"heartbeat failed: {e.Message}; trying again").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (id is { } registered)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await server.DeleteAsync(new Uri($"/api/v1/chem/services/{registered}", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // The server drops it when the heartbeats stop.
            }
        }
        server.Dispose();
        await app.DisposeAsync().ConfigureAwait(false);
    }
}
