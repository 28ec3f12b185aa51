using System.CommandLine;
using Tessera.Core;
using Tessera.Core.Errors;
using Tessera.Omics.Export;
using Tessera.Platform.Modules;

namespace Tessera.Omics.Cli;

/// <summary><c>tessera omics export RUN_ID</c>: downloads a run's export from a server and writes it atomically.</summary>
internal static class OmicsExportCommand
{
    public static Command Create(IModuleCommandHost host)
    {
        var runId = new Argument<Guid>("run-id") { Description = "The run to export." };
        var format = new Option<string>("--format") { Description = "json (OmicsToken v1), csv or npy.", DefaultValueFactory = _ => "json" };
        var output = new Option<string>("--out") { Description = "File to write (written atomically).", Required = true };
        var command = new Command("export", "Export a run from a server as OmicsToken v1 JSON, CSV or NPY.");
        command.Arguments.Add(runId);
        command.Options.Add(format);
        command.Options.Add(output);
        host.AddServerOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var kind = parse.GetValue(format)!;
            if (!OmicsExportService.Formats.Contains(kind)) throw TesseraException.Validation($"Unknown format '{kind}': use {string.Join(", ", OmicsExportService.Formats)}.");
            var id = parse.GetValue(runId);
            using var response = await host.GetFromServerAsync(parse, $"/api/v1/omics/runs/{id}/export?format={kind}", $"Run {id}", ct).ConfigureAwait(false);
            var path = parse.GetValue(output)!;
            await AtomicFile.WriteAsync(path, (file, token) => response.Content.CopyToAsync(file, token), ct).ConfigureAwait(false);
            Console.WriteLine($"Wrote {new FileInfo(path).Length} bytes to {path}.");
            return 0;
        });
        return command;
    }
}
