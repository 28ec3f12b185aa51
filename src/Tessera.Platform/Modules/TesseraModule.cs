using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using Tessera.Data.Migrations;
using Tessera.Inference.Embeddings;
using Tessera.Platform.Web;

namespace Tessera.Platform.Modules;

/// <summary>
/// A system plugged into the platform, declared in one place: its name, tables, services, HTTP routes, health
/// checks, job kinds, vector collections, CLI verbs and demo. The server and the CLI loop over the installed
/// modules and never name one; see docs/modules.md for the recipe.
/// </summary>
public abstract class TesseraModule
{
    /// <summary>
    /// Lower-case and unique: the routes live under <c>/api/v1/&lt;name&gt;</c>, the settings under
    /// <c>&lt;name&gt;:…</c>, the CLI verbs under <c>tessera &lt;name&gt; …</c>, the tables are prefixed with it.
    /// </summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>tessera --help</c> and the OpenAPI tag.</summary>
    public abstract string Description { get; }

    /// <summary>The module's tables: SQLite and PostgreSQL scripts that pair up one for one (null: none).</summary>
    public virtual MigrationSet? Migrations => null;

    /// <summary>Embedders this module contributes by name (e.g. a classical featurizer), for the process's <c>EmbedderRegistry</c>.</summary>
    public virtual IEnumerable<NamedEmbedder> Embedders => [];

    /// <summary>Services, settings, job handlers, health checks and vector collections, registered through <paramref name="registrar"/>.</summary>
    public virtual void AddServices(ModuleServices registrar)
    {
    }

    /// <summary>
    /// Routes under <c>/api/v1/&lt;name&gt;</c>. The group requires an authenticated caller; a route that must be
    /// reachable without one says so with <c>AllowAnonymous()</c>.
    /// </summary>
    public virtual void MapEndpoints(RouteGroupBuilder group)
    {
    }

    /// <summary>Pages and navigation entries for the web UI (null: the module has no pages); see docs/modules.md.</summary>
    public virtual ModulePages? Pages => null;

    /// <summary>The verbs of <c>tessera &lt;name&gt; …</c>; none means the module adds no CLI group.</summary>
    public virtual IEnumerable<Command> Commands(IModuleCommandHost host) => [];

    /// <summary>What <c>tessera up</c> shows a new user of this module: demo data, seeded once and reused on later starts.</summary>
    public virtual Task SeedDemoAsync(DemoContext demo, CancellationToken cancellationToken) => Task.CompletedTask;
}
