using System.Text.Json;
using Tessera.Chem.Tests.Docking;
using Tessera.Core.Errors;
using Tessera.Testing;

namespace Tessera.Chem.Tests.Organizations;

/// <summary>
/// Task permissions over HTTP: only organization admins define tasks and restrict who may execute them; a restricted
/// task refuses a member without a grant (403 naming the task) and admits one with it, by user or by role; another
/// organization's task, execution, events, logs and molecules answer 404.
/// </summary>
public class TaskPermissionTests
{
    private const string Tasks = "/api/v1/chem/task-registry/tasks";

    private static string Permissions(object roles, object users) => JsonSerializer.Serialize(new { roles, users });

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task A_restricted_task_admits_only_its_grantees_and_another_organization_sees_nothing(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect, OrgFixture.Holding);
        var (admin, _) = await OrgFixture.MemberAsync(app, "admin@example.org", "lab", "admin");
        var (member, _) = await OrgFixture.MemberAsync(app, "member@example.org", "lab", "member");
        var (granted, grantedId) = await OrgFixture.MemberAsync(app, "granted@example.org", "lab", "member");
        var (rival, rivalId) = await OrgFixture.MemberAsync(app, "rival@example.org", "rival", "owner");

        // Members neither define tasks nor change who may run them.
        const string schema = """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object"}""";
        var definition = $$"""{"name":"lab.score","version":1,"description":"","resources":{"cpu":2},"input_schema":{{schema}},"output_schema":{{schema}}}""";
        Assert.Equal(ErrorCodes.Forbidden, OrgFixture.Code(await member.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 403, definition)));
        await admin.SendJsonAsync("POST /api/v1/chem/task-registry/tasks", Tasks, 201, definition);
        Assert.Equal(ErrorCodes.Forbidden, OrgFixture.Code(await member.SendJsonAsync(
            "PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions", 403, Permissions(Array.Empty<string>(), new[] { grantedId }))));
        await member.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions", 403);

        // By default every member may execute a task.
        var open = await admin.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions");
        Assert.False(open.Value["restricted"]!.GetValue<bool>());
        await OrgFixture.DockAsync(member, 1);

        // Restricted to one user: the others get 403 naming the task; the grantee and the admins may run it.
        var restricted = await admin.SendJsonAsync("PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions", 200,
            Permissions(Array.Empty<string>(), new[] { grantedId }));
        Assert.True(restricted.Value["restricted"]!.GetValue<bool>());
        Assert.Equal([grantedId.ToString()], restricted.Value["users"]!.AsArray().Select(u => u!.GetValue<string>()));
        var refused = await OrgFixture.DockAsync(member, 2, 403);
        Assert.Equal(ChemErrorCodes.TaskExecuteForbidden, OrgFixture.Code(refused));
        Assert.Equal("vina.dock", refused.Value["task"]!.GetValue<string>());
        Assert.Contains("vina.dock", refused.Value["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await OrgFixture.DockAsync(granted, 3);
        await OrgFixture.DockAsync(admin, 4);
        // The restriction is this organization's: another one runs the system task as before.
        await OrgFixture.DockAsync(rival, 5);

        // Granted by role, the member may run it; empty lists lift the restriction.
        await admin.SendJsonAsync("PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions", 200, Permissions(new[] { "member" }, Array.Empty<Guid>()));
        var ran = await OrgFixture.DockAsync(member, 6);
        await admin.SendJsonAsync("PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions", 400, Permissions(new[] { "wizard" }, Array.Empty<Guid>()));
        await admin.SendJsonAsync("PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions", 400, Permissions(Array.Empty<string>(), new[] { rivalId }));
        var lifted = await admin.SendJsonAsync("PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/vina.dock/permissions", 200,
            Permissions(Array.Empty<string>(), Array.Empty<Guid>()));
        Assert.False(lifted.Value["restricted"]!.GetValue<bool>());

        // The organization's own task: its admins restrict it; to another organization it does not exist.
        await admin.SendJsonAsync("PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/lab.score/permissions", 200, Permissions(new[] { "admin" }, Array.Empty<Guid>()));
        Assert.Equal(ChemErrorCodes.TaskExecuteForbidden, OrgFixture.Code(await member.SendJsonAsync(
            "POST /api/v1/chem/tasks/{task}/execute", "/api/v1/chem/tasks/lab.score/execute", 403, "{}")));
        await rival.GetAsync("GET /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/lab.score/permissions", 404);
        await rival.SendJsonAsync("PUT /api/v1/chem/task-registry/tasks/{name}/permissions", $"{Tasks}/lab.score/permissions", 404, Permissions(Array.Empty<string>(), Array.Empty<Guid>()));
        await rival.SendJsonAsync("POST /api/v1/chem/tasks/{task}/execute", "/api/v1/chem/tasks/lab.score/execute", 404, "{}");

        // Another organization's execution, its events and logs, and molecules are missing, never forbidden.
        await rival.GetAsync("GET /api/v1/chem/executions/{id}", $"/api/v1/chem/executions/{ran.Id}", 404);
        await rival.GetAsync("GET /api/v1/chem/executions/{id}/events", $"/api/v1/chem/executions/{ran.Id}/events", 404);
        await rival.GetAsync("GET /api/v1/chem/executions/{id}/logs", $"/api/v1/chem/executions/{ran.Id}/logs", 404);
        var events = await member.GetAsync("GET /api/v1/chem/executions/{id}/events", $"/api/v1/chem/executions/{ran.Id}/events");
        Assert.Equal(["cache", "queued"], events.Value.AsArray().Take(2).Select(e => e!["type"]!.GetValue<string>()));
        var artifact = await DockingFixture.UploadAsync(member, "CCO ethanol\n", "one.smi", "smi");
        var molecule = (await member.GetAsync("GET /api/v1/chem/molecules", $"/api/v1/chem/molecules?artifact_id={artifact}")).Value["items"]![0]!["id"]!.GetValue<string>();
        await rival.GetAsync("GET /api/v1/chem/molecules/{id}", $"/api/v1/chem/molecules/{molecule}", 404);
        await rival.GetAsync("GET /api/v1/chem/artifacts/{id}/download-link", $"/api/v1/chem/artifacts/{artifact}/download-link", 404);
    }
}
