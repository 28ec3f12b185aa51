using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Errors;
using Tessera.Data;
using Tessera.Platform.Modules;
using Tessera.Traces.Parquet;
using Tessera.Traces.Pipeline;
using Tessera.Traces.Projection;

namespace Tessera.Traces.Cli;

/// <summary><c>tessera traces project [--refit] [--json]</c> and <c>tessera traces export --out DIR [--org ID]</c>, on a deployment's stored data.</summary>
internal static class TracesMapCommands
{
    public static IEnumerable<Command> Create(IModuleCommandHost host) => [Project(host), Export(host)];

    private static Command Project(IModuleCommandHost host)
    {
        var refit = new Option<bool>("--refit") { Description = "Refit on all vectors (aligned to the current map) instead of placing only new records." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per organization." };
        var command = new Command("project", "Bring every organization's 2-D map and Parquet files up to date.");
        command.Options.Add(refit);
        command.Options.Add(json);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var projection = services.GetRequiredService<TracesProjectionService>();
            var files = services.GetRequiredService<TracesParquetFiles>();
            var gate = services.GetRequiredService<TracesBatchGate>();
            foreach (var orgId in await OrganizationsAsync(services, ct).ConfigureAwait(false))
            {
                ProjectionOutcome outcome;
                using (await gate.EnterAsync(orgId, ct).ConfigureAwait(false))
                {
                    outcome = await projection.UpdateAsync(orgId, parse.GetValue(refit), ct).ConfigureAwait(false);
                    await files.WriteAsync(orgId, outcome.NewVersion, ct).ConfigureAwait(false);
                }
                Console.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new { org_id = orgId, action = outcome.Action, version = outcome.Version, records = outcome.RecordsMapped, alignment_residual = outcome.AlignmentResidual })
                    : $"{orgId}: {outcome.Action}, version {outcome.Version}, {outcome.RecordsMapped} records" + (outcome.AlignmentResidual is { } r ? $", alignment residual {r:G4}" : ""));
            }
            return 0;
        });
        return command;
    }

    private static Command Export(IModuleCommandHost host)
    {
        var output = new Option<string>("--out") { Description = "Folder to write logs.parquet and embeddings.parquet to.", Required = true };
        var org = new Option<Guid?>("--org") { Description = "The organization (needed when several have traces)." };
        var command = new Command("export", "Write an organization's logs.parquet and embeddings.parquet to a folder.");
        command.Options.Add(output);
        command.Options.Add(org);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var orgs = await OrganizationsAsync(services, ct).ConfigureAwait(false);
            var orgId = parse.GetValue(org) ?? (orgs.Count == 1 ? orgs[0] : throw TesseraException.Validation(
                orgs.Count == 0 ? "No organization has traces yet." : $"Several organizations have traces: name one with --org ({string.Join(", ", orgs)})."));
            var files = services.GetRequiredService<TracesParquetFiles>();
            using (await services.GetRequiredService<TracesBatchGate>().EnterAsync(orgId, ct).ConfigureAwait(false))
            {
                // Bring the files up to date first (a transform at most), so the export holds every mapped record.
                var outcome = await services.GetRequiredService<TracesProjectionService>().UpdateAsync(orgId, refit: false, ct).ConfigureAwait(false);
                await files.WriteAsync(orgId, outcome.NewVersion, ct).ConfigureAwait(false);
                var directory = parse.GetValue(output)!;
                await files.CopyToAsync(orgId, directory, ct).ConfigureAwait(false);
                Console.WriteLine($"Wrote {TracesParquetFiles.LogsFile} and {TracesParquetFiles.EmbeddingsFile} to {directory}.");
            }
            return 0;
        });
        return command;
    }

    private static async Task<List<Guid>> OrganizationsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var connection = await services.GetRequiredService<TesseraDatabase>().OpenConnectionAsync(ct).ConfigureAwait(false);
        return await TracesProjectionRows.OrganizationsAsync(connection, ct).ConfigureAwait(false);
    }
}
