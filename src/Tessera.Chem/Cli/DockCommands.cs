using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Api;
using Tessera.Chem.Docking;
using Tessera.Chem.Executions;
using Tessera.Chem.Molecules;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Platform.Modules;

namespace Tessera.Chem.Cli;

/// <summary>
/// <c>tessera chem dock</c> and <c>tessera chem run</c>: executions through the same service as the API (the registry's
/// schema check, an execution row, a job on the job engine), waited for with an in-process worker.
/// </summary>
internal static class DockCommands
{
    public static Command Dock(IModuleCommandHost host)
    {
        var receptor = new Option<string>("--receptor") { Description = "The receptor file: PDB or PDBQT.", Required = true };
        var ligand = new Option<string>("--ligand") { Description = "The ligand: an SDF, MOL2, PDB or PDBQT file (its coordinates kept), or SMILES.", Required = true };
        var center = new Option<string?>("--center") { Description = "The box centre x,y,z in Å (with --size)." };
        var size = new Option<string?>("--size") { Description = "The box edges x,y,z in Å (with --center)." };
        var around = new Option<string?>("--around") { Description = "Put the box around this reference ligand file: its bounding box plus --padding." };
        var padding = new Option<double?>("--padding") { Description = "Å added on every side of the --around box (default 4)." };
        var exhaustiveness = new Option<int?>("--exhaustiveness") { Description = "Vina's search effort, 1 to 64 (default 8)." };
        var seed = new Option<int?>("--seed") { Description = "The random seed (default 0): the same inputs and seed give the same poses." };
        var modes = new Option<int?>("--num-modes") { Description = "Poses to keep, 1 to 20 (default 9)." };
        var cpu = new Option<int?>("--cpu") { Description = "CPU threads for Vina (default 1)." };
        var json = new Option<bool>("--json") { Description = "Print the execution as one JSON object (scores, confidence, artifact links, cached)." };
        var noCache = NoCacheOption();
        var owner = new ModuleCliOwner("chem");
        var command = new Command("dock", "Dock a ligand into a receptor with AutoDock Vina (the vina.dock task) and print the scores.");
        foreach (var option in new Option[] { receptor, ligand, center, size, around, padding, exhaustiveness, seed, modes, cpu, json, noCache }) command.Options.Add(option);
        command.Validators.Add(result =>
        {
            var box = result.GetResult(center) is not null || result.GetResult(size) is not null;
            if (box == (result.GetResult(around) is not null))
                result.AddError("Give the box either as --center x,y,z --size x,y,z or as --around REFERENCE, not both.");
            else if (box && (result.GetResult(center) is null || result.GetResult(size) is null)) result.AddError("--center and --size go together.");
        });
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var receptorPath = RequireFile(parse.GetValue(receptor)!, "--receptor");
            var ligandValue = parse.GetValue(ligand)!;
            JsonObject? box = null;
            if (parse.GetValue(center) is { } c)
                box = new JsonObject { ["center"] = Triple(c, "--center"), ["size"] = Triple(parse.GetValue(size)!, "--size") };
            var aroundPath = parse.GetValue(around) is { } a ? RequireFile(a, "--around") : null;
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var parameters = new JsonObject
            {
                ["receptor"] = await KeepAsync(services, principal, receptorPath, ct).ConfigureAwait(false),
                ["ligand"] = File.Exists(ligandValue) ? await KeepAsync(services, principal, ligandValue, ct).ConfigureAwait(false) : ligandValue,
            };
            if (box is not null) parameters["box"] = box;
            if (aroundPath is not null) parameters["reference_ligand"] = await KeepAsync(services, principal, aroundPath, ct).ConfigureAwait(false);
            if (parse.GetValue(padding) is { } p) parameters["padding"] = p;
            if (parse.GetValue(exhaustiveness) is { } e) parameters["exhaustiveness"] = e;
            if (parse.GetValue(seed) is { } s) parameters["seed"] = s;
            if (parse.GetValue(modes) is { } m) parameters["num_modes"] = m;
            if (parse.GetValue(cpu) is { } n) parameters["cpu"] = n;
            var execution = await ExecutionWaiter.SubmitAsync(services, principal, VinaDockRunner.Name, null, parameters, wait: true, !parse.GetValue(noCache), ct).ConfigureAwait(false);
            if (!parse.GetValue(json)) await PrintEventsAsync(services, principal, execution, ct).ConfigureAwait(false);
            return Report(execution, parse.GetValue(json));
        });
        return command;
    }

    public static Command Run(IModuleCommandHost host)
    {
        var task = new Argument<string>("task") { Description = "The task's name (e.g. vina.dock)." };
        var version = new Option<int?>("--version") { Description = "The task version (default: the newest)." };
        var parameters = new Option<string>("--params") { Description = "A JSON file with the parameters.", Required = true };
        var wait = new Option<bool>("--wait") { Description = "Wait for the execution to end (a worker runs in this process) and print its events and result." };
        var json = new Option<bool>("--json") { Description = "Print the execution as one JSON object (with cached: whether the result cache served it)." };
        var noCache = NoCacheOption();
        var owner = new ModuleCliOwner("chem");
        var command = new Command("run", "Execute a task with parameters from a JSON file (checked against its input schema); prints the execution.");
        command.Arguments.Add(task);
        foreach (var option in new Option[] { version, parameters, wait, json, noCache }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = RequireFile(parse.GetValue(parameters)!, "--params");
            JsonNode body;
            try
            {
                body = JsonNode.Parse(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)) ?? throw TesseraException.Validation($"{path} holds null, not parameters.");
            }
            catch (JsonException e)
            {
                throw TesseraException.Validation($"{path} is not JSON: {e.Message}");
            }
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var execution = await ExecutionWaiter.SubmitAsync(services, principal, parse.GetValue(task)!, parse.GetValue(version), body, parse.GetValue(wait), !parse.GetValue(noCache), ct)
                .ConfigureAwait(false);
            if (parse.GetValue(wait) && !parse.GetValue(json)) await PrintEventsAsync(services, principal, execution, ct).ConfigureAwait(false);
            return Report(execution, parse.GetValue(json));
        });
        return command;
    }

    private static Option<bool> NoCacheOption() => new("--no-cache")
    {
        Description = "Run the tool even when an identical earlier execution (same inputs, parameters, task version and tool versions) could serve the result.",
    };

    /// <summary>What happened to the execution (its events), one line each, before the result.</summary>
    private static async Task PrintEventsAsync(IServiceProvider services, Principal principal, ChemExecution execution, CancellationToken cancellationToken)
    {
        foreach (var e in await services.GetRequiredService<ExecutionService>().EventsAsync(principal, execution.Id, cancellationToken).ConfigureAwait(false))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"event {e.Seq}\t{e.CreatedAt:HH:mm:ss.fff}\t{e.Type}\t{e.Message}"));
    }

    private static int Report(ChemExecution execution, bool json)
    {
        if (json) ChemCliJson.Print(execution);
        else
        {
            Console.WriteLine($"execution {execution.Id} ({execution.Task.Name} v{execution.Task.Version}): {execution.State}");
            Console.WriteLine(execution.Cached
                ? $"served from the cache: execution {execution.CachedFrom} ({execution.CacheOutcome}); no tool ran"
                : $"cache: {execution.CacheOutcome ?? "unrecorded"} (ran)");
            if (execution.Result?["poses"] is JsonArray poses)
            {
                Console.WriteLine("rank\tscore (kcal/mol)\trmsd_lb\trmsd_ub");
                foreach (var pose in poses)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pose!["rank"]}\t{pose["score"]}\t{pose["rmsd_lb"]}\t{pose["rmsd_ub"]}"));
                var confidence = execution.Result["confidence"];
                Console.WriteLine($"best {execution.Result["best_score"]} kcal/mol; confidence {confidence?["value"]} (score gap to another binding mode: {confidence?["score_gap"]?.ToJsonString() ?? "none within the energy range"})");
            }
            else if (execution.Result is not null) Console.WriteLine(execution.Result.ToJsonString());
            foreach (var artifact in execution.Artifacts) Console.WriteLine($"artifact {artifact.ArtifactId}\t{artifact.FileName}");
        }
        if (execution.Error is { } error) Console.Error.WriteLine($"{error.Code}: {error.Message}");
        return execution.State is "failed" or "cancelled" ? 1 : 0;
    }

    private static async Task<string> KeepAsync(IServiceProvider services, Principal principal, string path, CancellationToken cancellationToken)
    {
        await using var content = File.OpenRead(path);
        var artifact = await services.GetRequiredService<MoleculeImportService>().KeepFileAsync(principal, content, path, null, cancellationToken).ConfigureAwait(false);
        return artifact.Id.ToString();
    }

    private static string RequireFile(string path, string option) =>
        File.Exists(path) ? path : throw TesseraException.Validation($"{option}: {path} does not exist.");

    private static JsonArray Triple(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<JsonNode?>();
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                throw TesseraException.Validation($"{option} takes three numbers x,y,z; '{part}' is not a number.");
            values.Add(value);
        }
        if (values.Count != 3) throw TesseraException.Validation($"{option} takes three numbers x,y,z, not {values.Count}.");
        return new JsonArray([.. values]);
    }
}
