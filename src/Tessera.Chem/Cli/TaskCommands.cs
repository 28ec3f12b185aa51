using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Api;
using Tessera.Chem.Tasks;
using Tessera.Core.Errors;
using Tessera.Platform.Modules;

namespace Tessera.Chem.Cli;

/// <summary><c>tessera chem tasks list|show|register</c>: the task registry, with the API's validation and permissions.</summary>
internal static class TaskCommands
{
    public static Command Create(IModuleCommandHost host)
    {
        var tasks = new Command("tasks", "List, show or register task definitions in the registry.");
        tasks.Subcommands.Add(List(host));
        tasks.Subcommands.Add(Show(host));
        tasks.Subcommands.Add(Register(host));
        return tasks;
    }

    private static Command List(IModuleCommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per task version." };
        var owner = new ModuleCliOwner("chem");
        var command = new Command("list", "Print the tasks the organization can use (system tasks and its own), every version.");
        command.Options.Add(json);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            foreach (var task in await services.GetRequiredService<TaskRegistry>().ListAsync(principal, ct).ConfigureAwait(false))
            {
                if (parse.GetValue(json)) ChemCliJson.Print(ChemTask.From(task));
                else Console.WriteLine($"{task.Name}\tv{task.Version}\t{(task.OrgId is null ? "system" : "organization")}\t{task.Description}");
            }
            return 0;
        });
        return command;
    }

    private static Command Show(IModuleCommandHost host)
    {
        var name = new Argument<string>("name") { Description = "The task's name." };
        var version = new Option<int?>("--version") { Description = "The version (default: the newest)." };
        var owner = new ModuleCliOwner("chem");
        var command = new Command("show", "Print one task definition as JSON, schemas included.");
        command.Arguments.Add(name);
        command.Options.Add(version);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            ChemCliJson.Print(ChemTask.From(await services.GetRequiredService<TaskRegistry>().GetAsync(principal, parse.GetValue(name)!, parse.GetValue(version), ct).ConfigureAwait(false)));
            return 0;
        });
        return command;
    }

    private static Command Register(IModuleCommandHost host)
    {
        var file = new Argument<string>("file") { Description = "A JSON file: name, optional version, description, input_schema, output_schema, resources." };
        var owner = new ModuleCliOwner("chem");
        var command = new Command("register", "Register a task, or a new version of one, from a JSON file; prints the stored definition.");
        command.Arguments.Add(file);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var registration = await ReadAsync(path, ct).ConfigureAwait(false);
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            ChemCliJson.Print(ChemTask.From(await services.GetRequiredService<TaskRegistry>().RegisterAsync(principal, registration, ct).ConfigureAwait(false)));
            return 0;
        });
        return command;
    }

    private static async Task<ChemTaskRegistration> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw TesseraException.Validation($"{path} does not exist.");
        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync<ChemTaskRegistration>(stream, ChemCliJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw TesseraException.Validation($"{path} holds null, not a task definition.");
        }
        catch (JsonException e)
        {
            throw TesseraException.Validation($"{path} is not a task definition in JSON: {e.Message}");
        }
    }
}
