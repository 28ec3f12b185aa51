using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Cards.Validation;
using Tessera.Core;
using Tessera.Platform.Modules;

namespace Tessera.Cards.Cli;

/// <summary><c>tessera cards validate [--fix] [--report FILE]</c>: decode every cached image; exits 1 when any is excluded.</summary>
internal static class ValidateCommand
{
    public static Command Create(IModuleCommandHost host)
    {
        var fix = new Option<bool>("--fix") { Description = "Delete the excluded images and record why, so the next download fetches them again." };
        var report = new Option<string?>("--report") { Description = "Also write the full report (every excluded image with its reason) to this JSON file." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of a progress bar and a summary." };
        var owner = new ModuleCliOwner("cards");
        var command = new Command("validate", "Decode every cached image completely; truncated, corrupt, wrong-type and tiny images are excluded with their reasons.");
        foreach (var option in new Option[] { fix, report, json }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var validation = services.GetRequiredService<CardsValidationService>();
            var result = parse.GetValue(json) || Console.IsOutputRedirected
                ? await validation.ValidateAsync(principal, parse.GetValue(fix), null, ct).ConfigureAwait(false)
                : await WithProgressAsync(p => validation.ValidateAsync(principal, parse.GetValue(fix), p, ct)).ConfigureAwait(false);
            if (parse.GetValue(report) is { } file)
                await AtomicFile.WriteAsync(Path.GetFullPath(file), (stream, token) => JsonSerializer.SerializeAsync(stream, result, CardsCommands.Json, token), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(result, CardsCommands.Json));
            }
            else
            {
                var reasons = string.Join(", ", result.InvalidByReason.Select(r => $"{r.Key}: {r.Value}"));
                Console.WriteLine($"{result.Checked} images checked: {result.Valid} valid, {result.Invalid.Count} excluded{(reasons.Length > 0 ? $" ({reasons})" : "")}"
                    + (result.Fixed && result.Invalid.Count > 0 ? "; the excluded files were deleted and will be downloaded again." : "."));
                foreach (var image in result.Invalid) Console.WriteLine($"  {image.Reason}: {image.File}{(image.Url is null ? "" : $" ({image.Url})")}");
            }
            return result.Invalid.Count > 0 ? 1 : 0;
        });
        return command;
    }

    private static async Task<ValidationReport> WithProgressAsync(Func<Func<long, long, Task>, Task<ValidationReport>> run)
    {
        ValidationReport? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Decoding cached images", maxValue: 1);
                result = await run((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result!;
    }
}
