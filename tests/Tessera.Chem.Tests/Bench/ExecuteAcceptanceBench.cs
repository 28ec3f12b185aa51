using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tessera.Chem.Tests.Api;
using Tessera.Chem.Tests.Docking;
using Tessera.Testing;
using Tessera.Testing.Contracts;
using Xunit.Abstractions;

namespace Tessera.Chem.Tests.Bench;

/// <summary>
/// How many <c>POST /tasks/vina.dock/execute</c> the in-process server (the real application over HTTP in memory,
/// no job workers so nothing docks) accepts or refuses a second: parameters the schema refuses (422), new valid
/// ones (a cache miss: signature, execution row and job in one transaction, 202) and identical valid ones (a cache
/// hit, 202 already succeeded). A small run is a regular test; <c>bench/chem/run.sh</c> sets
/// <c>CHEM_BENCH_EXECUTIONS</c> for a larger one.
/// </summary>
public class ExecuteAcceptanceBench(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Executions_accepted_per_second(string dialect)
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("CHEM_BENCH_EXECUTIONS"), CultureInfo.InvariantCulture, out var n) ? n : 40;
        const int Concurrency = 4;
        await using var app = await TesseraAppFactory.CreateAsync(dialect, settings: new Dictionary<string, string?>
        {
            ["workers"] = "0", ["limits:requests_per_minute"] = "1000000",
        });
        var (api, _) = await ChemApiTests.SignInAsync(app, "bench@example.org", "lab", "member");
        var receptor = await DockingFixture.KeepAsync(api, DockingFixture.ReceptorPdbqt, "1iep_receptor.pdbqt", "pdbqt");
        // A stored molecule: its canonical SMILES is read from the row (a SMILES ligand costs one obabel call per request).
        var upload = await api.SendAsync("POST /api/v1/chem/molecules", "/api/v1/chem/molecules", 201,
            new MultipartFormDataContent { { new ByteArrayContent("CCO ethanol\n"u8.ToArray()), "file", "ethanol.smi" } });
        var ligand = upload.Value["molecules"]![0]!["id"]!.GetValue<string>();
        var box = DockingFixture.Box();

        var invalid = await RateAsync(api, count, Concurrency, 422, _ => new { receptor, ligand, exhaustiveness = 100 });
        var misses = await RateAsync(api, count, Concurrency, 202, i => new { receptor, ligand, box, seed = i + 1 });
        var hits = await RateAsync(api, count, Concurrency, 202, i => new { receptor, ligand, box, seed = i + 1 });
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chem execute ({dialect}, {count} requests each, {Concurrency} concurrent, in-process server): " +
            $"invalid (422) {invalid:0} /s; valid new (202, job enqueued) {misses:0} /s; valid identical (202, cache hit) {hits:0} /s"));
        Assert.True(invalid > 0 && misses > 0 && hits > 0);
    }

    private static async Task<double> RateAsync(ContractClient api, int count, int concurrency, int expected, Func<int, object> parameters)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await api.SendJsonAsync("POST /api/v1/chem/tasks/{task}/execute", "/api/v1/chem/tasks/vina.dock/execute", expected, JsonSerializer.Serialize(parameters(i)));
        }));
        return count / clock.Elapsed.TotalSeconds;
    }
}
