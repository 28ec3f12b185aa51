using Tessera.Guides.Instructions;
using Tessera.Guides.Processing;

namespace Tessera.Guides.Tests;

public class StepWriterTests
{
    private static readonly Guid Job = Guid.Parse("01a24df0-1794-7402-9b5a-e5660f5d8ec8");
    private static readonly FrameRef[] Frames = [new(0.0, "red"), new(2.0, "blue"), new(4.0, "green")];

    [Fact]
    public void Sequence_words_go_instructions_become_steps_and_each_gets_the_screen_shown_when_it_is_said()
    {
        var (blocks, issues) = StepWriter.Write(Job,
        [
            new TranscriptSegment(0.0, 2.0, "Welcome to the tour. First, open the Settings menu."),
            new TranscriptSegment(2.1, 3.0, "Step two: click Privacy."),
            new TranscriptSegment(3.6, 5.0, "And then press Save! That is all."),
        ], Frames);

        Assert.Empty(issues);
        Assert.Equal(["Open the Settings menu.", "Click Privacy.", "Press Save!"], blocks.Select(b => b.Text));
        // The first segment's second sentence starts 0.8 s in (by length); "press Save" at 3.6 s, within 0.5 s of the green screen.
        Assert.Equal(["red", "blue", "green"], blocks.Select(b => b.FrameSha256));
        Assert.InRange(blocks[0].Start!.Value, 0.7, 0.9);
        Assert.Equal(blocks.Select((_, i) => StepWriter.BlockId(Job, i)), blocks.Select(b => b.Id));
        Assert.Equal(3, blocks.Select(b => b.Id).Distinct().Count());
    }

    [Fact]
    public void Narration_without_an_instruction_keeps_every_sentence_and_says_so()
    {
        var (blocks, issues) = StepWriter.Write(Job, [new TranscriptSegment(1, 2, "This is the dashboard. It shows your data.")], Frames);
        Assert.Equal(["This is the dashboard.", "It shows your data."], blocks.Select(b => b.Text));
        Assert.Single(issues);
    }

    [Fact]
    public void Degenerate_input_gives_an_empty_or_frameless_draft_that_validation_flags()
    {
        var (none, _) = StepWriter.Write(Job, [], Frames);
        Assert.Empty(none);
        Assert.Equal(InstructionValidation.NeedsReview, InstructionValidation.Of(none, []).Status);
        var (blind, _) = StepWriter.Write(Job, [new TranscriptSegment(0, 1, "Click OK.")], []);
        Assert.Null(Assert.Single(blind).FrameSha256);
        var (status, issues) = InstructionValidation.Of(blind, []);
        Assert.Equal(InstructionValidation.NeedsReview, status);
        Assert.Contains("no screenshot", Assert.Single(issues), StringComparison.Ordinal);
        // A sentence of sequence words only is no step.
        Assert.Empty(StepWriter.Write(Job, [new TranscriptSegment(0, 1, "Step one. Then.")], Frames).Blocks);
    }

    [Fact]
    public void A_step_takes_the_screen_whose_text_names_what_it_says_and_transition_frames_are_passed_over()
    {
        FrameRef[] screens =
        [
            new(0.0, "home", "Home Recent Files"),
            new(1.0, "fade", "Settings"),                          // on screen 0.2 s: a transition, never chosen
            new(1.2, "settings", "Settings Account Display Sound"),
            new(3.0, "privacy", "Privacy Camera Microphone"),
            new(5.0, "unread", null),                              // tesseract did not read it: chosen by time only
        ];
        var (blocks, _) = StepWriter.Write(Job,
        [
            // Said while Home still shows: the Settings screen appears within the step, and names its word.
            new TranscriptSegment(0.5, 1.5, "Open the Settings menu."),
            // Said over the Settings screen, but only the Privacy screen (shown before the step ends) says Privacy.
            new TranscriptSegment(2.0, 3.2, "Click the Privacy tab."),
            // No screen names it: the screen shown when it is said.
            new TranscriptSegment(5.5, 6.0, "Press OK."),
            // The narration names the Settings screen again, long after it left: only screens shown while it is said count.
            new TranscriptSegment(6.5, 7.0, "Close Settings."),
        ], screens);

        Assert.Equal(["settings", "privacy", "unread", "unread"], blocks.Select(b => b.FrameSha256));
        Assert.Equal([1.2, 3.0, 5.0, 5.0], blocks.Select(b => b.FrameTimeSeconds!.Value));
    }
}
