using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Chem.Docking;
using Tessera.Chem.Executions;
using Tessera.Chem.Tests.Api;
using Tessera.Data.Identity;
using Tessera.Jobs;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Organizations;

/// <summary>Members of organizations with their user ids, and executions of vina.dock that run until the server stops (<see cref="Holding"/>).</summary>
internal static class OrgFixture
{
    /// <summary>
    /// Replaces vina.dock's runner with one that keeps every execution running until the server stops, so executions
    /// hold their places in the concurrency quota; the real runner still computes their input signatures.
    /// </summary>
    public static void Holding(IServiceCollection services)
    {
        services.RemoveAll<IChemTaskRunner>();
        services.AddSingleton<IChemTaskRunner>(sp => new HoldingRunner(ActivatorUtilities.CreateInstance<VinaDockRunner>(sp)));
    }

    public static object QuickBox => new { center = new[] { 15.19, 53.90, 16.92 }, size = new[] { 12.0, 12.0, 12.0 } };

    public static async Task<(ContractClient Api, Guid UserId)> MemberAsync(TesseraAppFactory app, string email, string org, string role)
    {
        var (api, _) = await ChemApiTests.SignInAsync(app, email, org, role);
        var (user, _, _) = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync(email, org, role, new AuditActor(null, null, "test"));
        return (api, user.Id);
    }

    /// <summary>A docking that validates (the receptor is only resolved when it runs); each seed is another input signature.</summary>
    public static Task<ContractResponse> DockAsync(ContractClient api, int seed, int expected = 202) =>
        api.SendJsonAsync("POST /api/v1/chem/tasks/{task}/execute", "/api/v1/chem/tasks/vina.dock/execute", expected,
            JsonSerializer.Serialize(new { receptor = "not-run", ligand = "CCO", box = QuickBox, exhaustiveness = 1, seed }));

    public static string Code(ContractResponse problem) => problem.Value["code"]!.GetValue<string>();

    private sealed class HoldingRunner(VinaDockRunner inner) : IChemTaskRunner
    {
        public string TaskName => inner.TaskName;

        public async Task<JsonObject> RunAsync(Execution execution, JobContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }

        public Task<IReadOnlyDictionary<string, string>> ToolVersionsAsync(CancellationToken cancellationToken) => inner.ToolVersionsAsync(cancellationToken);

        public Task<JsonObject> InputsAsync(Guid orgId, JsonObject parameters, CancellationToken cancellationToken) => inner.InputsAsync(orgId, parameters, cancellationToken);
    }
}
