using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Core.Errors;
using Tessera.Data.Identity;
using Tessera.Platform.Collections;
using Tessera.Platform.Modules;
using Tessera.Server;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary>
/// A module defined in this test project (<see cref="NotesModule.NotesModule"/>) gets its table, settings, route,
/// job kind, CLI verb and vector collection through the module contract alone, next to the installed modules.
/// </summary>
public class ModuleContractTests
{
    private static readonly TesseraModules WithNotes = new([.. InstalledModules.All, new NotesModule.NotesModule()]);
    private static readonly AuditActor Actor = new(null, null, "test");

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_module_plugs_in_through_the_contract_alone(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        await using var app = await StartAsync(scratch);
        var (alice, aliceOrg) = await SignInAsync(app, "alice@example.com", "alpha");
        var (bob, _) = await SignInAsync(app, "bob@example.com", "beta");

        // The route lives under /api/v1/notes and the settings bind from notes:…
        var created = await alice.PostAsJsonAsync(new Uri("/api/v1/notes", UriKind.Relative), new { text = "a bad cafe" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tooLong = await alice.PostAsJsonAsync(new Uri("/api/v1/notes", UriKind.Relative), new { text = new string('x', 201) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        // Searched at once: no index exists yet, so the new vector is found by the exact scan of what is not indexed.
        var first = await SearchAsync(alice, "a bad cafe");
        Assert.Equal(1, first.GetProperty("labels").GetArrayLength());
        Assert.Equal(1, first.GetProperty("scanned").GetInt32());
        Assert.Equal(0, (await SearchAsync(bob, "a bad cafe")).GetProperty("labels").GetArrayLength());

        // The CLI verb `tessera notes add` writes through the module's services.
        var added = await TesseraCli.RunAsync(["notes", "add", "--org", aliceOrg.ToString(), "--text", "deaf bee", .. data], WithNotes);
        Assert.Equal(0, added);

        // The job kind runs on the in-process workers.
        var enqueued = await alice.PostAsJsonAsync(new Uri("/api/v1/jobs", UriKind.Relative), new { kind = "notes.count", input = new { } });
        Assert.Equal(HttpStatusCode.Created, enqueued.StatusCode);
        var jobId = JsonDocument.Parse(await enqueued.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        var job = await JobPolling.WaitForJobAsync(alice, jobId);
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(2, job.GetProperty("result").GetProperty("count").GetInt32());

        // `tessera index build --collection notes` builds the module's collection from the database.
        var built = await TesseraCli.RunAsync(["index", "build", "--collection", "notes", .. data], WithNotes);
        Assert.Equal(0, built);
        Assert.Single(Directory.GetFiles(Path.Combine(scratch.DataDir, "indexes"), "notes-*.hnsw"));

        // The tables came from the module's migrations, the readiness check covers its collection, OpenAPI lists its routes.
        await using (var c = await scratch.Database.OpenConnectionAsync())
            Assert.Equal(2, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM notes_items"));
        var ready = await alice.GetStringAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Contains("vector-collections", ready, StringComparison.Ordinal);
        var openApi = await alice.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Contains("/api/v1/notes/search", openApi, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Search_finds_vectors_stored_after_the_index_was_built_before_the_index_has_them(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        await using var app = await StartAsync(scratch);
        var (alice, aliceOrg) = await SignInAsync(app, "alice@example.com", "alpha");
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync(new Uri("/api/v1/notes", UriKind.Relative), new { text = $"note {i} {new string('a', i)}" })).StatusCode);
        var collection = app.Services.GetRequiredService<VectorCollections>().Get("notes");
        var status = await collection.UpdateAsync(NotesModule.NotesModule.Partition);
        Assert.Equal(20, status.Count);

        // Stored behind the index's back (as another process would): the index does not have it, the search does.
        var store = app.Services.GetRequiredService<NotesModule.NotesStore>();
        var late = await store.AddAsync(aliceOrg, "hhhhhhhhhhhh gggg", CancellationToken.None);
        Assert.False(collection.ManagerOf(NotesModule.NotesModule.Partition).Current!.Contains(late));
        var found = await SearchAsync(alice, "hhhhhhhhhhhh gggg");
        Assert.Equal(late, found.GetProperty("labels")[0].GetInt64());
        Assert.Equal(20, found.GetProperty("indexed").GetInt32());
        Assert.Equal(1, found.GetProperty("scanned").GetInt32());

        // The search asked for an update in the background; once it is done the index holds the late vector.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!collection.ManagerOf(NotesModule.NotesModule.Partition).Current!.Contains(late))
        {
            Assert.True(DateTime.UtcNow < deadline, "the background update did not add the late vector");
            await Task.Delay(50);
        }
        Assert.Equal(0, (await SearchAsync(alice, "hhhhhhhhhhhh gggg")).GetProperty("scanned").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_deleted_vector_is_never_found_though_an_index_or_snapshot_still_holds_it(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        var partition = NotesModule.NotesModule.Partition;
        var app = await StartAsync(scratch);
        long deleted;
        try
        {
            var (alice, _) = await SignInAsync(app, "alice@example.com", "alpha");
            for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.Created, (await alice.PostAsJsonAsync(new Uri("/api/v1/notes", UriKind.Relative), new { text = $"note {i} {new string('q', i)}" })).StatusCode);
            var collection = app.Services.GetRequiredService<VectorCollections>().Get("notes");
            Assert.Equal(20, (await collection.UpdateAsync(partition)).Count);
            deleted = (await SearchAsync(alice, "note 7 qqqqqqq")).GetProperty("labels")[0].GetInt64();

            await app.Services.GetRequiredService<NotesModule.NotesStore>().DeleteAsync(deleted, CancellationToken.None);
            // The index and its snapshot still hold the vector; the search drops it at once.
            Assert.True(collection.ManagerOf(partition).Current!.Contains(deleted));
            Assert.DoesNotContain(deleted, Labels(await SearchAsync(alice, "note 7 qqqqqqq")));
        }
        finally
        {
            await app.DisposeAsync();
        }

        // A restarted node (like one adopting a published snapshot) serves the snapshot built before the deletion.
        await using var restarted = await StartAsync(scratch);
        var (again, aliceOrg) = await SignInAsync(restarted, "alice@example.com", "alpha");
        var reloaded = restarted.Services.GetRequiredService<VectorCollections>().Get("notes");
        Assert.DoesNotContain(deleted, Labels(await SearchAsync(again, "note 7 qqqqqqq")));
        Assert.True(reloaded.ManagerOf(partition).Current!.Contains(deleted));

        // The next extension takes it out of the index, and the other vectors stay found.
        var late = await restarted.Services.GetRequiredService<NotesModule.NotesStore>().AddAsync(aliceOrg, "late note zzzz", CancellationToken.None);
        Assert.Equal(20, (await reloaded.UpdateAsync(partition)).Count);
        Assert.False(reloaded.ManagerOf(partition).Current!.Contains(deleted));
        Assert.True(reloaded.ManagerOf(partition).Current!.Contains(late));
        var found = await SearchAsync(again, "note 7 qqqqqqq");
        Assert.DoesNotContain(deleted, Labels(found));
        Assert.Equal(0, found.GetProperty("scanned").GetInt32());
        Assert.Equal(late, Labels(await SearchAsync(again, "late note zzzz"))[0]);
    }

    private static long[] Labels(JsonElement found) => [.. found.GetProperty("labels").EnumerateArray().Select(l => l.GetInt64())];

    [Fact]
    public async Task A_setting_out_of_range_stops_the_start_with_its_name()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("sqlite");
        var error = await Assert.ThrowsAsync<TesseraException>(async () => await StartAsync(scratch, new() { ["notes:max_length"] = "0" }));
        Assert.Contains("notes:max_length must be from 1 to 1000", error.Message, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<TesseraException>(async () => await StartAsync(scratch, new() { ["notes:max_lenght"] = "5" }));
        Assert.Contains("max_lenght", unknown.Message, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(ScratchDatabase scratch, Dictionary<string, string?>? settings = null)
    {
        var flags = new Dictionary<string, string?> { ["data_dir"] = scratch.DataDir, ["database"] = scratch.Target };
        foreach (var (key, value) in settings ?? []) flags[key] = value;
        var builder = TesseraServer.CreateBuilder([], flags, WithNotes);
        builder.WebHost.UseTestServer();
        var app = TesseraServer.Build(builder);
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static async Task<(HttpClient Client, Guid OrgId)> SignInAsync(WebApplication app, string email, string org)
    {
        var (user, organization, _) = await app.Services.GetRequiredService<AccountService>().EnsureMemberAsync(email, org, null, Actor);
        var token = await app.Services.GetRequiredService<TokenService>().IssueAsync(user.Id, organization.Id, "test", [], TimeSpan.FromHours(1), loopbackOnly: false, Actor);
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return (client, organization.Id);
    }

    private static async Task<JsonElement> SearchAsync(HttpClient client, string text)
    {
        var response = await client.PostAsJsonAsync(new Uri("/api/v1/notes/search", UriKind.Relative), new { text });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }
}
