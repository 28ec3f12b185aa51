using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Cli.Hosting;
using Tessera.Data;
using Tessera.Data.Migrations;

namespace Tessera.Cli.Commands.Db;

internal static class DbCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command("db", "Manage the database schema.");
        command.Subcommands.Add(CreateMigrate(host));
        command.Subcommands.Add(CreateStatus(host));
        return command;
    }

    private static Command CreateMigrate(CliHost host)
    {
        var data = new DataOptions();
        var command = new Command("migrate", "Apply every pending migration (safe to run from several processes at once).");
        data.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = host.Build(data.Flags(parse));
            var database = services.GetRequiredService<TesseraDatabase>();
            var applied = await services.GetRequiredService<MigrationRunner>().MigrateAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"Applied {applied} migration(s) to {database.Target.Display}; the schema is current.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateStatus(CliHost host)
    {
        var data = new DataOptions();
        var command = new Command("status", "List every migration and whether it is applied, pending or modified.");
        data.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = host.Build(data.Flags(parse));
            var database = services.GetRequiredService<TesseraDatabase>();
            var report = await services.GetRequiredService<MigrationRunner>().GetStatusAsync(ct).ConfigureAwait(false);

            var table = new Table().AddColumns("module", "version", "name", "state", "applied at");
            foreach (var m in report.Migrations)
            {
                var state = m.State switch
                {
                    MigrationState.Applied => "[green]applied[/]",
                    MigrationState.Pending => "[yellow]pending[/]",
                    MigrationState.Modified => "[red]modified[/]",
                    _ => "[grey]unknown[/]",
                };
                table.AddRow(Markup.Escape(m.Module), m.Version.ToString("0000", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(m.Name), state, m.AppliedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }
            Console.WriteLine($"Database: {database.Target.Display}");
            AnsiConsole.Write(table);
            var pending = report.Pending.Count();
            var modified = report.Modified.Count();
            Console.WriteLine($"{report.Migrations.Count - pending - modified} applied, {pending} pending, {modified} modified.");
            return modified > 0 ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
