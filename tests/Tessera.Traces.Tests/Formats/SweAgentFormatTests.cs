using System.Text;
using System.Text.Json;
using Tessera.Testing;
using Tessera.Traces.Formats;

namespace Tessera.Traces.Tests.Formats;

public class SweAgentFormatTests
{
    private static readonly SweAgentFormat SweAgent = new();
    private static string Root => Path.Combine(RepoPaths.Fixtures, "agent-logs", "swe-agent");

    private static string[] TrajectoryPaths() => [.. Directory.GetFiles(Root, "*.traj").Order()];

    public static TheoryData<string> Trajectories() => [.. TrajectoryPaths()];

    [Fact]
    public void There_are_six_fixture_trajectories() => Assert.Equal(6, TrajectoryPaths().Length);

    [Theory]
    [MemberData(nameof(Trajectories))]
    public async Task Each_non_empty_thought_action_and_observation_is_a_record_and_the_submission_ends_the_run(string path)
    {
        // Expected values straight from the document.
        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        var steps = document.RootElement.GetProperty("trajectory").EnumerateArray().ToList();
        var expected = new List<(int, int, string)>();
        for (var step = 0; step < steps.Count; step++)
        {
            string[] fields = ["thought", "action", "observation"];
            for (var idx = 0; idx < 3; idx++)
                if (steps[step].TryGetProperty(fields[idx], out var value) && !string.IsNullOrWhiteSpace(value.GetString())) expected.Add((step, idx, fields[idx]));
        }
        var submission = document.RootElement.GetProperty("info").GetProperty("submission").GetString();
        expected.Add((steps.Count, 0, "submission"));

        var read = await FormatReading.ReadFileAsync(SweAgent, Root, path);

        Assert.True(read.Complete);
        Assert.Empty(read.Problems);
        Assert.Equal(expected, read.Entries.Select(e => (e.Iteration, e.IdxInIteration, e.Type)));
        Assert.Equal(submission, read.Entries[^1].Text);
        Assert.Equal(new FileInfo(path).Length, read.BytesConsumed);
    }

    [Fact]
    public async Task The_fixture_record_counts_are_known()
    {
        var counts = new Dictionary<string, int>();
        foreach (var path in TrajectoryPaths())
            counts[Path.GetFileName(path)] = (await FormatReading.ReadFileAsync(SweAgent, Root, path)).Entries.Count;
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["BabyEncryption.traj"] = 46, ["humanevalfix-python-0.traj"] = 15, ["marshmallow-code__marshmallow-1867.traj"] = 33,
                ["networking_1.traj"] = 12, ["pydicom__pydicom-1458.traj"] = 36, ["swe-agent__test-repo-i1.traj"] = 16,
            },
            counts);
    }

    [Fact]
    public async Task A_document_cut_short_is_not_complete_and_not_a_problem()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Root, "networking_1.traj"));
        foreach (var cut in new[] { 1, bytes.Length / 3, bytes.Length - 1 })
        {
            var read = await FormatReading.ReadAsync(SweAgent, bytes[..cut], "networking_1.traj");
            Assert.False(read.Complete);
            Assert.Empty(read.Problems);
            Assert.Empty(read.Entries);
            Assert.Equal(0, read.BytesConsumed);
        }
    }

    [Fact]
    public async Task A_run_without_submission_or_exit_status_is_not_complete_and_an_exit_status_alone_completes_it()
    {
        const string steps = """{"trajectory": [{"thought": "look", "action": "ls", "observation": ""}], "info": {""";
        var running = await FormatReading.ReadAsync(SweAgent, steps + "}}", "a.traj");
        Assert.False(running.Complete);
        Assert.Equal(["thought", "action"], running.Entries.Select(e => e.Type));

        var exited = await FormatReading.ReadAsync(SweAgent, steps + "\"exit_status\": \"exit_cost\", \"submission\": null}}", "a.traj");
        Assert.True(exited.Complete);
        Assert.Equal(2, exited.Entries.Count);
    }

    [Fact]
    public async Task Invalid_or_oversized_documents_are_reported()
    {
        var invalid = await FormatReading.ReadAsync(SweAgent, """{"trajectory": [}""", "a.traj");
        Assert.False(invalid.Complete);
        Assert.StartsWith("invalid JSON", Assert.Single(invalid.Problems).Reason, StringComparison.Ordinal);

        var notTrajectory = await FormatReading.ReadAsync(SweAgent, """{"steps": []}""", "a.traj");
        Assert.Contains("'trajectory'", Assert.Single(notTrajectory.Problems).Reason, StringComparison.Ordinal);

        var small = new SweAgentFormat(maxDocumentBytes: 100);
        var big = Encoding.UTF8.GetBytes("{\"trajectory\": [], \"info\": {\"exit_status\": \"x\", \"pad\": \"" + new string('p', 200) + "\"}}");
        var tooLarge = await FormatReading.ReadAsync(small, big, "a.traj");
        Assert.False(tooLarge.Complete);
        Assert.Contains("100-byte cap", Assert.Single(tooLarge.Problems).Reason, StringComparison.Ordinal);
    }
}
