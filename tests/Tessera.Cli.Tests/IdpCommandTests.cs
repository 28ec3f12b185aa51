using Dapper;
using Tessera.Testing;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera idp add|list|remove</c> on the local data: the secret goes in through standard input and never comes out.</summary>
public class IdpCommandTests
{
    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Add_list_and_remove_a_provider(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];
        Assert.Equal(0, (await CliProcess.RunAsync(["token", "create", "--user", "owner@acme.test", "--org", "acme", .. data])).ExitCode);
        string[] add = ["idp", "add", "--org", "acme", "--name", "corporate", "--issuer", "https://login.example.com/tenant", "--client-id", "tessera",
            "--client-secret-stdin", "--email-domains", "example.com", "--map", "tessera-admins=admin", "--map", "tessera-users=member", "--jit", .. data];

        var added = await CliProcess.RunWithInputAsync("cli-s3cret\n", add);
        var again = await CliProcess.RunWithInputAsync("cli-s3cret\n", add);
        var listed = await CliProcess.RunAsync(["idp", "list", "--org", "acme", .. data]);

        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Contains("Added identity provider corporate", added.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already has a provider named 'corporate'", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("corporate\thttps://login.example.com/tenant\taudience=tessera\tclient_id=tessera\tsecret=stored\tjit=yes", listed.Output, StringComparison.Ordinal);
        Assert.Contains("tessera-admins=admin,tessera-users=member", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-s3cret", listed.Output, StringComparison.Ordinal);
        await using (var connection = await scratch.Database.OpenConnectionAsync())
        {
            var stored = await connection.ExecuteScalarAsync<string>("SELECT client_secret FROM identity_providers");
            Assert.StartsWith("v1:", stored, StringComparison.Ordinal);
            Assert.DoesNotContain("cli-s3cret", stored, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await CliProcess.RunAsync(["idp", "remove", "--org", "acme", "--name", "corporate", .. data])).ExitCode);
        Assert.DoesNotContain("corporate", (await CliProcess.RunAsync(["idp", "list", "--org", "acme", .. data])).Output, StringComparison.Ordinal);
        var missing = await CliProcess.RunAsync(["idp", "list", "--org", "nowhere", .. data]);
        Assert.NotEqual(0, missing.ExitCode);
    }
}
