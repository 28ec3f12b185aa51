using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Chem.Api;
using Tessera.Chem.Quotas;
using Tessera.Platform.Modules;

namespace Tessera.Chem.Cli;

/// <summary><c>tessera chem quota show|set</c>: an organization's quotas, through the same service and permissions as the API.</summary>
internal static class QuotaCommands
{
    public static Command Create(IModuleCommandHost host)
    {
        var quota = new Command("quota", "Show or set an organization's Chem quotas (concurrent executions, CPU seconds per day, stored bytes).");
        quota.Subcommands.Add(Show(host));
        quota.Subcommands.Add(Set(host));
        return quota;
    }

    private static Command Show(IModuleCommandHost host)
    {
        var json = new Option<bool>("--json") { Description = "Print the quotas as one JSON object." };
        var owner = new ModuleCliOwner("chem");
        var command = new Command("show", "Print each quota: its limit, whether the organization set it or it is the deployment's default, and the use.");
        command.Options.Add(json);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            Print(await services.GetRequiredService<QuotaService>().GetAsync(principal, ct).ConfigureAwait(false), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    private static Command Set(IModuleCommandHost host)
    {
        var concurrent = new Option<long?>("--concurrent-executions") { Description = "Executions queued or running at once (0: no limit)." };
        var cpu = new Option<long?>("--cpu-seconds-per-day") { Description = "CPU seconds the executions may be charged per UTC day (0: no limit)." };
        var bytes = new Option<long?>("--stored-bytes") { Description = "Bytes of artifacts and tool logs the organization may keep (0: no limit)." };
        var json = new Option<bool>("--json") { Description = "Print the quotas as one JSON object." };
        var owner = new ModuleCliOwner("chem");
        var command = new Command("set", "Set the organization's own quotas (organization admins); a quota not named keeps its value.");
        foreach (var option in new Option[] { concurrent, cpu, bytes, json }) command.Options.Add(option);
        owner.AddTo(command);
        host.AddDataOptions(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var services = await host.OpenAsync(parse, ct).ConfigureAwait(false);
            var principal = await owner.ResolveAsync(parse, services, ct).ConfigureAwait(false);
            var quotas = services.GetRequiredService<QuotaService>();
            var now = await quotas.GetAsync(principal, ct).ConfigureAwait(false);
            var limits = new QuotaLimits
            {
                MaxConcurrentExecutions = parse.GetValue(concurrent) ?? Own(now.ConcurrentExecutions),
                CpuSecondsPerDay = parse.GetValue(cpu) ?? Own(now.CpuSecondsPerDay),
                MaxStoredBytes = parse.GetValue(bytes) ?? Own(now.StoredBytes),
            };
            Print(await quotas.SetAsync(principal, limits, ct).ConfigureAwait(false), parse.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>The organization's own value as stored: null when it takes the default, 0 for no limit.</summary>
    private static long? Own(QuotaStanding standing) => standing.SetByOrganization ? standing.Limit ?? 0 : null;

    private static void Print(QuotaReport report, bool json)
    {
        if (json)
        {
            ChemCliJson.Print(ChemQuotas.From(report));
            return;
        }
        foreach (var quota in new[] { report.ConcurrentExecutions, report.CpuSecondsPerDay, report.StoredBytes })
        {
            var limit = quota.Limit?.ToString(CultureInfo.InvariantCulture) ?? "no limit";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{quota.Quota}\t{limit}\t{(quota.SetByOrganization ? "organization" : "default")}\tused {quota.Used}"));
        }
    }
}
