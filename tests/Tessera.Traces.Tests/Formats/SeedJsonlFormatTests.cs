using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Traces.Formats;

namespace Tessera.Traces.Tests.Formats;

public class SeedJsonlFormatTests
{
    private static readonly SeedJsonlFormat Seed = new();

    private static string Line(int iteration, int idx, string type, string text, string? finalAnswer = null, string? timestamp = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["iteration"] = iteration, ["idx_in_iteration"] = idx, ["type"] = type, ["text"] = text, ["final_answer"] = finalAnswer, ["timestamp"] = timestamp,
        }) + "\n";

    private static string Run(int iterations, bool finished = true)
    {
        var text = new StringBuilder();
        for (var i = 0; i < iterations; i++)
        {
            text.Append(Line(i, 0, "thought", $"think {i}"));
            text.Append(Line(i, 1, "action", $"act {i}"));
            text.Append(Line(i, 2, "observation", $"see {i}"));
        }
        if (finished) text.Append(Line(iterations, 0, "final_answer", "the answer", finalAnswer: "42"));
        return text.ToString();
    }

    [Fact]
    public async Task A_finished_run_gives_every_entry_with_ids_from_path_iteration_and_index()
    {
        var content = Run(4);
        var read = await FormatReading.ReadAsync(Seed, content, "team/run-1.jsonl");

        Assert.True(read.Complete);
        Assert.Empty(read.Problems);
        Assert.Equal(13, read.Entries.Count);
        Assert.Equal(13, read.LinesConsumed);
        Assert.Equal(Encoding.UTF8.GetByteCount(content), read.BytesConsumed);
        var observation = read.Entries[5];
        Assert.Equal((6, 1, 2, "observation", "see 1"), (observation.Line, observation.Iteration, observation.IdxInIteration, observation.Type, observation.Text));
        var expectedId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("team/run-1.jsonl:1:2")));
        Assert.Equal(expectedId, TraceRecordId.For("team/run-1.jsonl", observation.Iteration, observation.IdxInIteration));
        Assert.Equal("final_answer", read.Entries[^1].Type);
    }

    [Fact]
    public async Task A_run_without_a_final_answer_on_its_last_line_is_not_complete()
    {
        Assert.False((await FormatReading.ReadAsync(Seed, Run(2, finished: false))).Complete);
        // A final answer followed by more entries: the run was resumed and is not finished again yet.
        var resumed = await FormatReading.ReadAsync(Seed, Run(2) + Line(9, 0, "thought", "again"));
        Assert.False(resumed.Complete);
        Assert.Equal(8, resumed.Entries.Count);
    }

    [Fact]
    public async Task Trailing_blank_lines_do_not_hide_the_final_answer()
    {
        var read = await FormatReading.ReadAsync(Seed, Run(1) + "\n  \n");
        Assert.True(read.Complete);
        Assert.Equal(6, read.LinesConsumed);
    }

    [Fact]
    public async Task A_partial_last_line_is_left_for_later_without_a_problem()
    {
        var whole = Run(2);
        var partial = whole + """{"iteration": 3, "idx_in_iteration": 0, "type": "thou""";
        var read = await FormatReading.ReadAsync(Seed, partial);

        Assert.Empty(read.Problems);
        Assert.True(read.Complete); // the lines read so far end with the final answer
        Assert.Equal(7, read.Entries.Count);
        Assert.Equal(Encoding.UTF8.GetByteCount(whole), read.BytesConsumed);
        Assert.Equal(7, read.LinesConsumed);
    }

    [Fact]
    public async Task A_last_line_without_a_newline_counts_when_it_is_a_whole_object()
    {
        var content = Run(1).TrimEnd('\n');
        var read = await FormatReading.ReadAsync(Seed, content);
        Assert.True(read.Complete);
        Assert.Equal(4, read.Entries.Count);
        Assert.Equal(Encoding.UTF8.GetByteCount(content), read.BytesConsumed);
    }

    [Fact]
    public async Task Bad_lines_are_skipped_and_reported_with_their_line_and_reason()
    {
        var content = Line(0, 0, "thought", "fine")
            + "{not json\n"
            + "[1, 2]\n"
            + """{"idx_in_iteration": 1, "type": "action", "text": "x"}""" + "\n"
            + """{"iteration": 0, "idx_in_iteration": 2, "type": 7, "text": "x"}""" + "\n"
            + """{"iteration": 0, "idx_in_iteration": 3, "type": "action"}""" + "\n"
            + Line(0, 0, "thought", "same id again")
            + Line(1, 0, "final_answer", "done", finalAnswer: "done");
        var read = await FormatReading.ReadAsync(Seed, content);

        Assert.True(read.Complete);
        Assert.Equal([1, 8], read.Entries.Select(e => e.Line));
        Assert.Equal([2, 3, 4, 5, 6, 7], read.Problems.Select(p => p.Line));
        Assert.StartsWith("invalid JSON", read.Problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("expected a JSON object", read.Problems[1].Reason, StringComparison.Ordinal);
        Assert.Contains("'iteration'", read.Problems[2].Reason, StringComparison.Ordinal);
        Assert.Contains("'type'", read.Problems[3].Reason, StringComparison.Ordinal);
        Assert.Contains("no text", read.Problems[4].Reason, StringComparison.Ordinal);
        Assert.Contains("already appeared on line 1", read.Problems[5].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_last_line_leaves_the_run_incomplete()
    {
        var read = await FormatReading.ReadAsync(Seed, Run(1) + "{oops}\n");
        Assert.False(read.Complete);
        Assert.Single(read.Problems);
    }

    [Fact]
    public async Task An_empty_file_has_nothing_and_is_not_complete()
    {
        var read = await FormatReading.ReadAsync(Seed, "");
        Assert.Equal((0, 0, 0L, 0, false), (read.Entries.Count, read.Problems.Count, read.BytesConsumed, read.LinesConsumed, read.Complete));
    }

    [Fact]
    public async Task A_byte_order_mark_and_crlf_line_ends_are_read_like_plain_lines()
    {
        var text = Run(2).Replace("\n", "\r\n", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        var read = await FormatReading.ReadAsync(Seed, bytes);

        Assert.Empty(read.Problems);
        Assert.True(read.Complete);
        Assert.Equal(7, read.Entries.Count);
        Assert.Equal("think 0", read.Entries[0].Text);
        Assert.Equal(bytes.Length, read.BytesConsumed);
    }

    [Fact]
    public async Task A_line_over_the_cap_is_skipped_and_reported_and_the_rest_is_read()
    {
        var format = new SeedJsonlFormat(maxLineBytes: 1000);
        var huge = Line(0, 1, "observation", new string('x', 5000));
        var content = Line(0, 0, "thought", "before") + huge + Line(1, 0, "final_answer", "after", finalAnswer: "a");
        var read = await FormatReading.ReadAsync(format, content);

        Assert.Equal([1, 3], read.Entries.Select(e => e.Line));
        var problem = Assert.Single(read.Problems);
        Assert.Equal(2, problem.Line);
        Assert.Contains($"{Encoding.UTF8.GetByteCount(huge)} bytes", problem.Reason, StringComparison.Ordinal);
        Assert.True(read.Complete);
        Assert.Equal(Encoding.UTF8.GetByteCount(content), read.BytesConsumed);
    }

    [Fact]
    public async Task An_unfinished_line_over_the_cap_is_not_consumed()
    {
        var format = new SeedJsonlFormat(maxLineBytes: 200);
        var first = Line(0, 0, "thought", "before");
        var read = await FormatReading.ReadAsync(format, first + "{\"text\": \"" + new string('y', 500));
        Assert.Empty(read.Problems);
        Assert.Equal(Encoding.UTF8.GetByteCount(first), read.BytesConsumed);
        Assert.Equal(1, read.LinesConsumed);
    }

    [Fact]
    public async Task Text_falls_back_to_the_field_named_after_the_type_then_content_and_timestamps_are_read()
    {
        var content = """{"iteration": 0, "idx_in_iteration": 0, "type": "thought", "thought": "by type", "timestamp": "2025-09-01T17:46:42.926Z"}""" + "\n"
            + """{"iteration": 0, "idx_in_iteration": 1, "type": "action", "content": "by content", "timestamp": 1756749018.5}""" + "\n"
            + """{"iteration": 0, "idx_in_iteration": 2, "type": "tool_call", "tool": "ls", "args": {"path": "/"}}""" + "\n"
            + """{"iteration": 1, "idx_in_iteration": 0, "type": "final_answer", "final_answer": {"value": 42}}""" + "\n";
        var read = await FormatReading.ReadAsync(Seed, content);

        Assert.Empty(read.Problems);
        Assert.Equal(["by type", "by content", """{"tool":"ls","args":{"path": "/"}}""", """{"value": 42}"""], read.Entries.Select(e => e.Text));
        Assert.Equal(new DateTimeOffset(2025, 9, 1, 17, 46, 42, 926, TimeSpan.Zero), read.Entries[0].Timestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1756749018500), read.Entries[1].Timestamp);
        Assert.Null(read.Entries[2].Timestamp);
    }
}
