using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Chem.Tests.Docking;
using Tessera.Core.Errors;
using Tessera.Testing;
using Tessera.Testing.Contracts;

namespace Tessera.Chem.Tests.Organizations;

/// <summary>
/// Quotas per organization over HTTP, with executions that run until the server stops: the deployment's defaults, an
/// organization admin's own limits, the concurrency quota refusing with 429 and Retry-After until an execution ends
/// (here: its job is cancelled), the stored-bytes quota refusing uploads and executions with 403, each problem naming
/// the quota, its limit and the use; and 20 parallel submissions on PostgreSQL under a limit of 2 admitting exactly 2.
/// </summary>
public class QuotaTests
{
    private static string Quotas(long? concurrent, long? cpu, long? bytes) =>
        JsonSerializer.Serialize(new { max_concurrent_executions = concurrent, cpu_seconds_per_day = cpu, max_stored_bytes = bytes });

    private static void AssertNames(ContractResponse problem, string code, string quota, long limit, double used)
    {
        Assert.Equal(code, OrgFixture.Code(problem));
        Assert.Equal(quota, problem.Value["quota"]!.GetValue<string>());
        Assert.Equal(limit, problem.Value["limit"]!.GetValue<long>());
        Assert.Equal(used, problem.Value["used"]!.GetValue<double>());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Concurrency_and_stored_bytes_quotas_refuse_with_a_problem_naming_the_quota(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect, OrgFixture.Holding, new Dictionary<string, string?> { ["chem:quota_max_stored_bytes"] = "1000000000" });
        var (admin, _) = await OrgFixture.MemberAsync(app, "admin@example.org", "lab", "admin");
        var (member, _) = await OrgFixture.MemberAsync(app, "member@example.org", "lab", "member");
        var (rival, _) = await OrgFixture.MemberAsync(app, "rival@example.org", "rival", "owner");

        // The deployment's defaults: no concurrency or CPU limit, a stored-bytes limit from chem:quota_max_stored_bytes.
        var defaults = (await member.GetAsync("GET /api/v1/chem/quotas", "/api/v1/chem/quotas")).Value;
        Assert.Null(defaults["concurrent_executions"]!["limit"]);
        Assert.Equal("default", defaults["stored_bytes"]!["source"]!.GetValue<string>());
        Assert.Equal(1_000_000_000, defaults["stored_bytes"]!["limit"]!.GetValue<long>());
        Assert.Equal(ErrorCodes.Forbidden, OrgFixture.Code(await member.SendJsonAsync("PUT /api/v1/chem/quotas", "/api/v1/chem/quotas", 403, Quotas(2, null, null))));
        await admin.SendJsonAsync("PUT /api/v1/chem/quotas", "/api/v1/chem/quotas", 400, Quotas(-1, null, null));
        var set = (await admin.SendJsonAsync("PUT /api/v1/chem/quotas", "/api/v1/chem/quotas", 200, Quotas(2, null, 0))).Value;
        Assert.Equal(2, set["concurrent_executions"]!["limit"]!.GetValue<long>());
        Assert.Equal("organization", set["concurrent_executions"]!["source"]!.GetValue<string>());
        Assert.Null(set["stored_bytes"]!["limit"]);

        // Two executions queue; the third is refused with 429, Retry-After, and the quota, limit and use named.
        var first = await OrgFixture.DockAsync(member, 1);
        await OrgFixture.DockAsync(admin, 2);
        AssertNames(await OrgFixture.DockAsync(member, 3, 429), ChemErrorCodes.QuotaConcurrentExecutions, "concurrent_executions", 2, 2);
        using (var raw = await member.Http.PostAsync(new Uri("/api/v1/chem/tasks/vina.dock/execute", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(new { receptor = "r", ligand = "CCO", box = OrgFixture.QuickBox, seed = 4 }), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, raw.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(10), raw.Headers.RetryAfter?.Delta);
        }
        Assert.Equal(2, (await member.GetAsync("GET /api/v1/chem/quotas", "/api/v1/chem/quotas")).Value["concurrent_executions"]!["used"]!.GetValue<double>());
        // A cache join needs no job of its own, so it is no execution to count.
        var joined = await OrgFixture.DockAsync(member, 1);
        Assert.Equal(first.Id, joined.Value["cached_from"]!.GetValue<string>());
        // Another organization has its own quotas.
        await OrgFixture.DockAsync(rival, 3);

        // Cancelling one (its job ends without the handler recording it) frees its place.
        await member.SendAsync("POST /api/v1/jobs/{id}/cancel", $"/api/v1/jobs/{first.Value["job_id"]!.GetValue<string>()}/cancel", 200);
        Assert.Equal("cancelled", (await DockingFixture.WaitAsync(member, first.Id, TimeSpan.FromMinutes(1)))["state"]!.GetValue<string>());
        await OrgFixture.DockAsync(member, 5);
        await OrgFixture.DockAsync(member, 6, 429);

        // Stored bytes: an upload that would pass the limit is refused with 403; so is an execution once the limit is reached.
        await admin.SendJsonAsync("PUT /api/v1/chem/quotas", "/api/v1/chem/quotas", 200, Quotas(0, null, 600));
        await DockingFixture.KeepAsync(member, new string('x', 500) + "\n", "small.pdbqt", "pdbqt");
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(new string('y', 200) + "\n")), "file", "big.pdbqt" } };
        var full = await member.SendAsync("POST /api/v1/chem/artifacts", "/api/v1/chem/artifacts", 403, form);
        AssertNames(full, ChemErrorCodes.QuotaStoredBytes, "stored_bytes", 600, 501);
        Assert.Equal(201, full.Value["adding"]!.GetValue<long>());
        var stored = (await member.GetAsync("GET /api/v1/chem/quotas", "/api/v1/chem/quotas")).Value["stored_bytes"]!;
        Assert.Equal(501, stored["used"]!.GetValue<double>());
        await admin.SendJsonAsync("PUT /api/v1/chem/quotas", "/api/v1/chem/quotas", 200, Quotas(0, null, 501));
        AssertNames(await OrgFixture.DockAsync(member, 7, 403), ChemErrorCodes.QuotaStoredBytes, "stored_bytes", 501, 501);
    }

    [Fact]
    public async Task Twenty_parallel_executions_under_a_limit_of_two_admit_exactly_two_on_postgres()
    {
        await using var app = await TesseraAppFactory.CreateAsync("postgres", OrgFixture.Holding);
        var (admin, _) = await OrgFixture.MemberAsync(app, "admin@example.org", "lab", "admin");
        await admin.SendJsonAsync("PUT /api/v1/chem/quotas", "/api/v1/chem/quotas", 200, Quotas(2, null, null));

        var responses = await Races.RunAsync(20, i => admin.Http.PostAsync(new Uri("/api/v1/chem/tasks/vina.dock/execute", UriKind.Relative),
            new StringContent(JsonSerializer.Serialize(new { receptor = "r", ligand = "CCO", box = OrgFixture.QuickBox, seed = 100 + i }), Encoding.UTF8, "application/json")));

        await Races.AssertNoServerErrorsAsync(responses);
        var counts = Races.CountByStatus(responses);
        Assert.Equal(2, counts.GetValueOrDefault(HttpStatusCode.Accepted));
        Assert.Equal(18, counts.GetValueOrDefault(HttpStatusCode.TooManyRequests));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests))
        {
            var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal(ChemErrorCodes.QuotaConcurrentExecutions, problem["code"]!.GetValue<string>());
            Assert.Equal(2, problem["used"]!.GetValue<double>());
        }
        Assert.Equal(2, (await admin.GetAsync("GET /api/v1/chem/quotas", "/api/v1/chem/quotas")).Value["concurrent_executions"]!["used"]!.GetValue<double>());
    }
}
