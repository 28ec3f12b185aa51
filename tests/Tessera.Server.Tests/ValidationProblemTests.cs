using System.Net;
using System.Text;
using System.Text.Json;
using Tessera.Testing;
using static Tessera.Server.Tests.AuthTestKit;

namespace Tessera.Server.Tests;

/// <summary>A body that does not bind answers a 400 problem that says which field is wrong, not the handler's parameter.</summary>
public class ValidationProblemTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Bodies_that_do_not_bind_answer_problems_naming_the_field(string dialect)
    {
        await using var app = await TesseraAppFactory.CreateAsync(dialect);
        var (client, _, _, _) = await SignInAsync(app, "alice@example.com", "lab");
        var run = Guid.NewGuid();

        (string Path, string Body, string Named, string? Field)[] cases =
        [
            ("/api/v1/omics/search", """{"sequence":"KLAK","k":"5"}""", "'k' is invalid: expected a number", "k"),
            ("/api/v1/omics/search", """{"sequence":"KLAK","run_ids":["not-a-uuid"]}""", "'run_ids[0]' is invalid: expected a UUID string", "run_ids[0]"),
            ("/api/v1/omics/compare", $$"""{"run_a":"{{run}}"}""", "'run_b'", null),
            ("/api/v1/omics/search", "nonsense", "not valid JSON", null),
            ("/api/v1/omics/search", """{"sequence":""", "not valid JSON", null),
        ];
        foreach (var (path, body, named, field) in cases)
        {
            using var response = await client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
            var problem = JsonDocument.Parse(text).RootElement;
            Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains(named, detail, StringComparison.Ordinal);
            Assert.DoesNotContain("Tessera.", detail, StringComparison.Ordinal);
            if (field is not null) Assert.Equal(field, problem.GetProperty("field").GetString());
            else Assert.False(problem.TryGetProperty("field", out _), $"{body}: names a field although the fault is the whole body");
        }
    }
}
