using Tessera.Guides.Processing;

namespace Tessera.Guides.Tests;

public class SubtitleParserTests
{
    [Fact]
    public void SubRip_cues_become_segments_with_their_times_and_plain_text()
    {
        var segments = SubtitleParser.Parse("1\r\n00:00:01,000 --> 00:00:02,500\r\nOpen <i>Settings</i>.\r\n\r\n2\r\n00:01:02,250 --> 00:01:04,000\r\nClick Save,\r\nthen close.\r\n\r\n3\r\n00:01:05,000 --> 00:01:06,000\r\n\r\n");
        Assert.Equal([new TranscriptSegment(1, 2.5, "Open Settings."), new TranscriptSegment(62.25, 64, "Click Save, then close.")], segments);
    }

    [Fact]
    public void WebVTT_cues_parse_too_and_the_header_is_skipped()
    {
        var segments = SubtitleParser.Parse("WEBVTT\n\nintro\n00:01.000 --> 00:03.000 align:start\nOpen the menu.\n\n01:00:00.000 --> 01:00:01.500\nDone.\n");
        Assert.Equal([new TranscriptSegment(1, 3, "Open the menu."), new TranscriptSegment(3600, 3601.5, "Done.")], segments);
    }
}
