using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Chem.Executions;
using Tessera.Chem.Storage;
using Tessera.Chem.Tests.Docking;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Organizations;

/// <summary>Each organization's results live in its own store (a PostgreSQL schema, a SQLite file), and nowhere shared.</summary>
public class ResultStoreTests
{
    private static readonly object Aspirin = new { molecule = "CC(=O)Oc1ccccc1C(=O)O", descriptors = new[] { "MW", "HBD" } };

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Each_organizations_results_are_kept_in_its_own_store_and_not_in_the_shared_tables(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (a, _) = await OrgFixture.MemberAsync(app, "a@example.org", "lab-a", "admin");
        var (b, _) = await OrgFixture.MemberAsync(app, "b@example.org", "lab-b", "admin");
        var doneA = await DockingFixture.WaitAsync(a, (await ExecuteAsync(a)).Id, TimeSpan.FromMinutes(1));
        var doneB = await DockingFixture.WaitAsync(b, (await ExecuteAsync(b)).Id, TimeSpan.FromMinutes(1));
        Assert.Equal("succeeded", doneA["state"]!.GetValue<string>());
        Assert.Equal("succeeded", doneB["state"]!.GetValue<string>());
        // The same parameters in another organization ran again: no cache, and no result, crosses over.
        Assert.Equal("miss", doneB["cache_outcome"]!.GetValue<string>());
        Assert.Equal(doneA["result"]!.ToJsonString(), doneB["result"]!.ToJsonString());

        var (orgA, resultA, jobA) = await RowAsync(app, doneA);
        var (orgB, resultB, _) = await RowAsync(app, doneB);
        await using (var c = await app.Database.Database.OpenConnectionAsync())
        {
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM chem_executions WHERE result IS NOT NULL"));
        }
        // The job engine's tables are shared too: the job's result only says where the execution's is.
        var job = await a.GetAsync("GET /api/v1/jobs/{id}", $"/api/v1/jobs/{jobA}");
        Assert.Equal(doneA["id"]!.GetValue<string>(), job.Value["result"]!["execution_id"]!.GetValue<string>());
        Assert.Null(job.Value["result"]!["molecules"]);

        var stores = app.Services.GetRequiredService<OrganizationStores>();
        Assert.Equal([resultA], await ResultIdsAsync(stores, orgA));
        Assert.Equal([resultB], await ResultIdsAsync(stores, orgB));
        await using (var c = await app.Database.Database.OpenConnectionAsync())
        {
            if (dialect == "postgres")
            {
                foreach (var org in new[] { orgA, orgB })
                    Assert.Equal(1, await c.ExecuteScalarAsync<long>(
                        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name = 'execution_results'",
                        new { schema = OrganizationStores.SchemaName(org) }));
                // The shared schema has no results table to read another organization's results from.
                Assert.Equal(0, await c.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'execution_results'"));
            }
            else
            {
                var main = app.Database.Database.Target.ConnectionString;
                Assert.True(File.Exists(OrganizationStores.FileName(main, orgA)));
                Assert.True(File.Exists(OrganizationStores.FileName(main, orgB)));
                Assert.NotEqual(OrganizationStores.FileName(main, orgA), OrganizationStores.FileName(main, orgB));
            }
        }
        // And through the API another organization's execution is missing.
        await b.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{doneA["id"]}", 404);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Results_an_earlier_version_kept_in_the_shared_table_move_to_their_stores_once(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (a, _) = await OrgFixture.MemberAsync(app, "a@example.org", "lab-a", "admin");
        var done = await DockingFixture.WaitAsync(a, (await ExecuteAsync(a)).Id, TimeSpan.FromMinutes(1));
        var (org, _, _) = await RowAsync(app, done);
        var id = Guid.Parse(done["id"]!.GetValue<string>());
        var stores = app.Services.GetRequiredService<OrganizationStores>();
        // As an earlier version left it: the result in the shared column, none in the organization's store.
        await using (var s = await (await stores.ForAsync(org, CancellationToken.None)).OpenConnectionAsync())
            await s.ExecuteAsync("DELETE FROM execution_results");
        await using (var c = await app.Database.Database.OpenConnectionAsync())
            await c.ExecuteAsync("UPDATE chem_executions SET result = @result, result_id = NULL WHERE id = @id", new { id, result = done["result"]!.ToJsonString() });

        var move = app.Services.GetServices<IHostedService>().OfType<LegacyResultMove>().Single();
        await move.StartAsync(CancellationToken.None);
        await move.StartAsync(CancellationToken.None);

        Assert.Equal([id], await ResultIdsAsync(stores, org));
        await using (var c = await app.Database.Database.OpenConnectionAsync())
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM chem_executions WHERE result IS NOT NULL"));
        var again = (await a.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{id}")).Value;
        Assert.Equal(done["result"]!.ToJsonString(), again["result"]!.ToJsonString());
        // The moved result still serves the cache.
        var hit = (await ExecuteAsync(a)).Value;
        Assert.Equal("hit", hit["cache_outcome"]!.GetValue<string>());
        Assert.Equal(done["result"]!.ToJsonString(), hit["result"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Runs_of_one_execution_storing_results_at_once_leave_one_that_every_run_returns(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect, OrgFixture.Holding);
        var (a, _) = await OrgFixture.MemberAsync(app, "a@example.org", "lab-a", "admin");
        var submitted = await OrgFixture.DockAsync(a, seed: 1);
        Execution execution;
        await using (var c = await app.Database.Database.OpenConnectionAsync())
            execution = (await ExecutionRows.FindForJobAsync(c, Guid.Parse(submitted.Id), CancellationToken.None))!;
        var results = app.Services.GetRequiredService<ExecutionResults>();

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racing = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await results.StoreAsync(execution, new JsonObject { ["run"] = i }, null, CancellationToken.None);
        })).ToList();
        gate.SetResult();
        var runs = await Task.WhenAll(racing);

        Assert.Single(runs, r => r.Stored);
        var standing = runs.Single(r => r.Stored).Result.ToJsonString();
        Assert.All(runs, r => Assert.Equal(standing, r.Result.ToJsonString()));
        var stores = app.Services.GetRequiredService<OrganizationStores>();
        var kept = Assert.Single(await ResultIdsAsync(stores, execution.OrgId));
        await using (var c = await app.Database.Database.OpenConnectionAsync())
            Assert.Equal(kept, await c.ExecuteScalarAsync<Guid>("SELECT result_id FROM chem_executions WHERE id = @id", new { id = execution.Id }));
    }

    private static Task<ContractResponse> ExecuteAsync(ContractClient api) =>
        api.SendJsonAsync("POST /api/v1/chem/tasks/{task}/execute", "/api/v1/chem/tasks/obabel.descriptors/execute", 202, JsonSerializer.Serialize(Aspirin));

    private static async Task<(Guid OrgId, Guid ResultId, Guid JobId)> RowAsync(TesseraAppFactory app, JsonNode execution)
    {
        await using var c = await app.Database.Database.OpenConnectionAsync();
        var row = await c.QuerySingleAsync<(Guid, Guid, Guid)>(
            "SELECT org_id, result_id, job_id FROM chem_executions WHERE id = @id", new { id = Guid.Parse(execution["id"]!.GetValue<string>()) });
        return row;
    }

    private static async Task<List<Guid>> ResultIdsAsync(OrganizationStores stores, Guid orgId)
    {
        await using var c = await (await stores.ForAsync(orgId, CancellationToken.None)).OpenConnectionAsync();
        return (await c.QueryAsync<Guid>("SELECT id FROM execution_results ORDER BY id")).ToList();
    }
}
