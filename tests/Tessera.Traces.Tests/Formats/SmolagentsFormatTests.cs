using System.Text.Json;
using Tessera.Testing;
using Tessera.Traces.Formats;

namespace Tessera.Traces.Tests.Formats;

public class SmolagentsFormatTests
{
    private static readonly SmolagentsFormat Smolagents = new();
    private static string Root => Path.Combine(RepoPaths.Fixtures, "agent-logs", "smolagents");

    private static string[] MessagePaths() => [.. Directory.GetFiles(Path.Combine(Root, "runs"), "messages.jsonl", SearchOption.AllDirectories).Order()];

    public static TheoryData<string> MessageFiles() => [.. MessagePaths()];

    public static TheoryData<string> OutputFiles() => [.. Directory.GetFiles(Path.Combine(Root, "output"), "*.jsonl").Order()];

    [Theory]
    [MemberData(nameof(MessageFiles))]
    public async Task Every_message_is_a_record_and_a_poll_opens_the_next_iteration(string path)
    {
        // Expected values straight from the file: one record per message; iteration = polls so far (a poll after
        // anything else opens a new round); complete when a final_answer message exists.
        var expected = new List<(int Line, int Iteration, int Idx, string Type)>();
        var (iteration, idx, lineNumber, hasFinal) = (0, 0, 0, false);
        foreach (var line in await File.ReadAllLinesAsync(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var type = JsonDocument.Parse(line).RootElement.GetProperty("type").GetString()!;
            if (type == "poll" && expected.Count > 0) (iteration, idx) = (iteration + 1, 0);
            hasFinal |= type == "final_answer";
            expected.Add((lineNumber, iteration, idx++, type));
        }

        var read = await FormatReading.ReadFileAsync(Smolagents, Root, path);

        Assert.Empty(read.Problems);
        Assert.Equal(expected, read.Entries.Select(e => (e.Line, e.Iteration, e.IdxInIteration, e.Type)));
        Assert.Equal(hasFinal, read.Complete);
        Assert.All(read.Entries, e => Assert.False(string.IsNullOrWhiteSpace(e.Text)));
        Assert.All(read.Entries, e => Assert.NotNull(e.Timestamp));
        Assert.Equal(new FileInfo(path).Length, read.BytesConsumed);
    }

    [Fact]
    public async Task The_fixture_runs_have_the_expected_counts_and_one_is_unfinished()
    {
        var counts = new Dictionary<string, (int, bool)>();
        foreach (var path in MessagePaths())
        {
            var read = await FormatReading.ReadFileAsync(Smolagents, Root, path);
            counts[Path.GetFileName(Path.GetDirectoryName(path)!)] = (read.Entries.Count, read.Complete);
        }
        Assert.Equal(
            new Dictionary<string, (int, bool)> { ["023f7ac8"] = (32, true), ["03178cdb"] = (14, true), ["0443b1f8"] = (28, true), ["055d25b8"] = (28, false), ["3dbd5028"] = (16, true) },
            counts);
    }

    [Theory]
    [MemberData(nameof(OutputFiles))]
    public async Task Every_output_task_is_one_record_and_the_finished_file_is_complete(string path)
    {
        var lines = await File.ReadAllLinesAsync(path);
        var questions = lines.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("question").GetString()!).ToList();

        var read = await FormatReading.ReadFileAsync(Smolagents, Root, path);

        Assert.True(read.Complete);
        Assert.Empty(read.Problems);
        Assert.Equal(questions.Count, read.Entries.Count);
        Assert.Equal(questions.Select((_, i) => (i, 0)), read.Entries.Select(e => (e.Iteration, e.IdxInIteration)));
        Assert.All(read.Entries.Zip(questions), pair => Assert.StartsWith($"Question: {pair.Second}\nAnswer: ", pair.First.Text, StringComparison.Ordinal));
        Assert.All(read.Entries, e => Assert.Equal("task_result", e.Type));
    }

    [Fact]
    public async Task An_output_file_with_a_half_written_task_is_not_complete_yet()
    {
        var done = """{"question": "2+2?", "answer": "4", "start_time": 1757356931.0}""" + "\n";
        var read = await FormatReading.ReadAsync(Smolagents, done + """{"question": "3+""", "smol/output/x.jsonl");
        Assert.False(read.Complete);
        Assert.Single(read.Entries);
        Assert.Equal("Question: 2+2?\nAnswer: 4", read.Entries[0].Text);

        var noAnswer = await FormatReading.ReadAsync(Smolagents, """{"question": "5+5?", "answer": null}""" + "\n", "smol/output/x.jsonl");
        Assert.True(noAnswer.Complete);
        Assert.Equal("Question: 5+5?\nAnswer: (no answer)", noAnswer.Entries[0].Text);
    }

    [Fact]
    public async Task Message_types_map_to_their_text_and_bad_lines_are_reported()
    {
        var content = """
            {"type": "task", "content": "Find the city", "timestamp": "2025-09-01T17:46:42.926Z"}
            {"type": "channel_message", "content": "I will look"}
            not json
            {"type": "poll", "content": {"question": "Final?", "proposal": "Paris"}}
            {"type": "vote", "content": {"vote": "YES", "confidence": 0.9, "rationale": "sourced"}}
            {"content": "no type"}
            {"type": "final_answer", "content": {"answer": "Paris", "tally": {"YES": 3}}}

            """;
        var read = await FormatReading.ReadAsync(Smolagents, content, "runs/r1/messages.jsonl");

        Assert.True(read.Complete);
        Assert.Equal(
            [(0, 0, "Find the city"), (0, 1, "I will look"), (1, 0, "Final?\nParis"), (1, 1, "YES (confidence 0.9): sourced"), (1, 2, "Paris")],
            read.Entries.Select(e => (e.Iteration, e.IdxInIteration, e.Text)));
        Assert.Equal([3, 6], read.Problems.Select(p => p.Line));
    }

    [Theory]
    [InlineData("runs/abc/messages.jsonl", "smolagents")]
    [InlineData("output/centralized-run.jsonl", "smolagents")]
    [InlineData("smolagents/output/a.jsonl", "smolagents")]
    [InlineData("team/run-1.jsonl", "seed")]
    [InlineData("run-1.jsonl", "seed")]
    [InlineData("swe/pydicom__pydicom-1458.traj", "swe-agent")]
    public void Auto_chooses_the_adapter_by_path(string relativePath, string expected)
    {
        Assert.Equal(expected, TraceFormats.For(TraceFormats.Auto, relativePath)?.Name);
    }

    [Fact]
    public void Formats_are_found_by_name_and_unknown_paths_or_names_find_none()
    {
        Assert.Equal(["auto", "swe-agent", "smolagents", "seed"], TraceFormats.Names);
        Assert.Equal("seed", TraceFormats.For("seed", "runs/abc/messages.jsonl")?.Name);
        Assert.Null(TraceFormats.For(TraceFormats.Auto, "runs/abc/run.log"));
        Assert.Null(TraceFormats.Find("csv"));
    }
}
