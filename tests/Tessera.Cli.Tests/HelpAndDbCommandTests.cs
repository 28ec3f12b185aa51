using Tessera.Testing;

namespace Tessera.Cli.Tests;

public class HelpAndDbCommandTests
{
    [Fact]
    public async Task Help_lists_every_verb()
    {
        var (code, output, _) = await CliProcess.RunAsync("--help");
        Assert.Equal(0, code);
        // The verbs are the first word of each line under "Commands:" (the descriptions contain words like "user" and "db" too).
        var verbs = output.Split('\n').SkipWhile(line => line.TrimEnd() != "Commands:").Skip(1)
            .TakeWhile(line => line.StartsWith("  ", StringComparison.Ordinal))
            .Select(line => line.TrimStart().Split(' ')[0]).ToList();
        Assert.Equal(["up", "serve", "db", "blob", "token", "user", "idp", "embed", "models", "index", "jobs", "worker", "omics", "traces", "cards", "chem", "guides"], verbs);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("frobnicate", "--help")]
    [InlineData("jobs", "frobnicate", "--help")]
    public async Task An_unknown_command_is_an_error_even_with_help(params string[] command)
    {
        var (code, _, error) = await CliProcess.RunAsync(command);
        Assert.NotEqual(0, code);
        Assert.Contains(command[^1] == "--help" ? command[^2] : command[^1], error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("serve")]
    [InlineData("db", "migrate")]
    [InlineData("db", "status")]
    [InlineData("blob", "put")]
    [InlineData("token", "create")]
    [InlineData("token", "revoke")]
    [InlineData("user", "set-password")]
    [InlineData("idp", "add")]
    [InlineData("idp", "list")]
    [InlineData("idp", "remove")]
    public async Task Every_command_has_help_naming_its_options(params string[] command)
    {
        var (code, output, _) = await CliProcess.RunAsync([.. command, "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("--data-dir", output, StringComparison.Ordinal);
        Assert.Contains("--database", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Db_status_shows_pending_then_applied_migrations(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        string[] data = ["--data-dir", scratch.DataDir, "--database", scratch.Target];

        var before = await CliProcess.RunAsync(["db", "status", .. data]);
        Assert.Equal(0, before.ExitCode);
        Assert.Contains("pending", before.Output, StringComparison.Ordinal);
        Assert.Contains("instance_settings", before.Output, StringComparison.Ordinal);

        var migrate = await CliProcess.RunAsync(["db", "migrate", .. data]);
        Assert.Equal(0, migrate.ExitCode);
        Assert.Contains("the schema is current", migrate.Output, StringComparison.Ordinal);

        var after = await CliProcess.RunAsync(["db", "status", .. data]);
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("0 pending, 0 modified", after.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", after.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dialects.All), MemberType = typeof(Dialects))]
    public async Task Output_to_a_pipe_has_no_colour_codes_whatever_the_terminal_type(string dialect)
    {
        await using var scratch = await ScratchDatabase.CreateAsync(dialect);
        // As in a colour terminal, but standard output is a pipe.
        var info = CliProcess.StartInfo("db", "status", "--data-dir", scratch.DataDir, "--database", scratch.Target);
        info.Environment.Remove("NO_COLOR");
        info.Environment["TERM"] = "xterm-256color";
        info.Environment["COLORTERM"] = "truecolor";

        var (code, output, error) = await CliProcess.RunAsync(info);

        Assert.Equal(0, code);
        Assert.Contains("pending", output, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', output + error);
    }

    [Fact]
    public async Task Token_create_explains_bad_input_in_one_line()
    {
        using var dir = new TempDirectory();
        var badLifetime = await CliProcess.RunAsync("token", "create", "--user", "a@example.com", "--expires", "soon", "--data-dir", dir.Path);
        Assert.Equal(1, badLifetime.ExitCode);
        Assert.Contains("is not a lifetime", badLifetime.Error, StringComparison.Ordinal);
        var badScope = await CliProcess.RunAsync("token", "create", "--user", "a@example.com", "--scopes", "runs:delete", "--data-dir", dir.Path);
        Assert.Equal(1, badScope.ExitCode);
        Assert.Contains("Unknown scope 'runs:delete'", badScope.Error, StringComparison.Ordinal);
        var badEmail = await CliProcess.RunAsync("token", "create", "--user", "not-an-email", "--data-dir", dir.Path);
        Assert.Contains("not a valid email", badEmail.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_database_url_is_a_one_line_error_without_a_stack_trace()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = await CliProcess.RunAsync("db", "status", "--data-dir", dir.Path, "--database", "postgres://u:s3cret@localhost:1/");
        Assert.Equal(1, code);
        var text = output + error;
        Assert.Contains("names no database", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }
}
