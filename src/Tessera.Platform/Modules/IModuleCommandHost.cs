using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace Tessera.Platform.Modules;

/// <summary>What the CLI gives a module's verbs: the options that name a deployment, and its services.</summary>
public interface IModuleCommandHost
{
    /// <summary>Adds <c>--data-dir</c> and <c>--database</c> to a verb that works on stored data.</summary>
    void AddDataOptions(Command command);

    /// <summary>The services of the deployment the parsed data options name, over a schema brought up to date.</summary>
    Task<ServiceProvider> OpenAsync(ParseResult parse, CancellationToken cancellationToken);

    /// <summary>Adds <c>--server</c>, <c>--token</c>, <c>--demo</c> and <c>--data-dir</c> to a verb that calls a running server.</summary>
    void AddServerOptions(Command command);

    /// <summary>
    /// GETs <paramref name="path"/> from the server the parsed options name, with the bearer token they resolve to.
    /// Returns a successful response (headers read, body streaming); otherwise throws an error that says in plain words
    /// what to do about a missing or refused token, a forbidden call, or a <paramref name="subject"/> that was not found.
    /// </summary>
    Task<HttpResponseMessage> GetFromServerAsync(ParseResult parse, string path, string subject, CancellationToken cancellationToken);
}
