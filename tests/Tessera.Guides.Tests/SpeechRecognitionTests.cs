using Tessera.Guides.Processing;
using Tessera.Guides.Processing.Speech;

namespace Tessera.Guides.Tests;

/// <summary>The recognizers' output read into segments with word times, and the word error rate the bench reports.</summary>
public class SpeechRecognitionTests
{
    // pocketsphinx_continuous -time yes, as it printed for a narration (fillers, silences and variants included).
    private const string PocketsphinxOutput = """
        do you want
        <s> 0.000 0.070 0.999900
        do 0.080 0.190 0.460755
        you 0.200 0.380 0.325130
        <sil> 0.390 0.570 0.999900
        want 0.580 0.850 0.824876
        </s> 0.860 1.340 1.000000
        right but the tab
        <s> 5.400 6.020 0.999100
        right 6.030 6.330 0.796422
        [NOISE] 6.330 6.340 0.5
        the(2) 6.530 6.670 0.617019
        tab 6.680 7.220 0.105109
        </s> 7.230 7.680 1.000000

        <s> 8.000 8.110 0.999900
        </s> 8.120 8.630 1.000000
        """;

    [Fact]
    public void Pocketsphinx_utterances_become_segments_with_their_words_and_nothing_else()
    {
        var segments = PocketsphinxRecognizer.Parse(PocketsphinxOutput);

        Assert.Equal(2, segments.Count);
        Assert.Equal((0.08, 0.85, "do you want"), (segments[0].Start, segments[0].End, segments[0].Text));
        Assert.Equal(["do", "you", "want"], segments[0].Words!.Select(w => w.Word));
        Assert.Equal((6.03, 7.22, "right the tab"), (segments[1].Start, segments[1].End, segments[1].Text));
        Assert.Equal(new TranscriptWord("the", 6.53, 6.67), segments[1].Words![1]);
        // Silence only (the tone of a video without narration) is no segment at all.
        Assert.Empty(PocketsphinxRecognizer.Parse("\n<s> 0.000 0.110 0.999900\n</s> 0.120 0.630 1.000000\n"));
        Assert.Empty(PocketsphinxRecognizer.Parse(""));
    }

    [Fact]
    public void A_verbose_json_answer_gives_its_segments_each_with_the_words_that_start_in_it()
    {
        var answer = new RemoteSpeechRecognizer.VerboseTranscription("Open Settings. Click Privacy.", 4.0,
            [new(0.0, 1.5, " Open Settings."), new(1.5, 3.0, " Click Privacy."), new(3.0, 4.0, "  ")],
            [new(" Open", 0.1, 0.5), new("Settings.", 0.6, 1.4), new("Click", 1.6, 2.0), new("Privacy", 2.1, 2.9)]);

        var segments = RemoteSpeechRecognizer.Segments(answer);

        Assert.Equal(["Open Settings.", "Click Privacy."], segments.Select(s => s.Text));
        Assert.Equal(["Open", "Settings."], segments[0].Words!.Select(w => w.Word));
        Assert.Equal(["Click", "Privacy"], segments[1].Words!.Select(w => w.Word));
        // Text only (a service without segments): one segment over the whole audio; nothing said: none.
        var plain = Assert.Single(RemoteSpeechRecognizer.Segments(new("Open Settings.", 2.5, null, null)));
        Assert.Equal((0.0, 2.5, "Open Settings.", (IReadOnlyList<TranscriptWord>?)null), (plain.Start, plain.End, plain.Text, plain.Words));
        Assert.Empty(RemoteSpeechRecognizer.Segments(new(" ", 2.5, [], [])));
    }

    [Theory]
    [InlineData("open the settings menu", "open the settings menu", 0.0)]
    [InlineData("open the settings menu", "open settings menu", 0.25)]          // one deletion
    [InlineData("open the settings menu", "open the standings menu now", 0.5)] // one substitution, one insertion
    [InlineData("Open the Settings menu.", "OPEN THE SETTINGS MENU", 0.0)]      // case and punctuation do not count
    [InlineData("", "", 0.0)]
    [InlineData("", "anything", 1.0)]
    [InlineData("two words", "", 1.0)]
    public void Word_error_rate_counts_edits_over_the_reference(string reference, string hypothesis, double expected) =>
        Assert.Equal(expected, WordErrorRate.Of(reference, hypothesis), 6);
}
