using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Tessera.Guides.Callbacks;

namespace Tessera.Guides;

/// <summary>The settings under <c>guides:</c>, bound and validated when the process starts.</summary>
internal sealed class GuidesSettings : IValidatableObject
{
    /// <summary>ffmpeg (Debian package <c>ffmpeg</c>); a bare name is looked up on PATH.</summary>
    [ConfigurationKeyName("ffmpeg_path")]
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>ffprobe, from the same package.</summary>
    [ConfigurationKeyName("ffprobe_path")]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>How long one ffmpeg or ffprobe call may run before it is killed and the job fails.</summary>
    [ConfigurationKeyName("tool_timeout_seconds")]
    [Range(5, 86_400, ErrorMessage = "guides:tool_timeout_seconds must be from 5 to 86400.")]
    public int ToolTimeoutSeconds { get; set; } = 1800;

    /// <summary>ffmpeg's scene score above which a frame starts a new screen (0–1; lower keeps more frames).</summary>
    [ConfigurationKeyName("scene_threshold")]
    [Range(0.01, 1.0, ErrorMessage = "guides:scene_threshold must be from 0.01 to 1.")]
    public double SceneThreshold { get; set; } = 0.3;

    /// <summary>The most frames one video keeps.</summary>
    [ConfigurationKeyName("max_frames")]
    [Range(1, 5000, ErrorMessage = "guides:max_frames must be from 1 to 5000.")]
    public int MaxFrames { get; set; } = 300;

    /// <summary>
    /// The secrets remote workers sign their callbacks with (Standard Webhooks: <c>whsec_</c> and base64), separated by
    /// spaces; every one is accepted, so a secret is rotated by adding the new one, moving workers over, then removing
    /// the old. Empty: remote callbacks are refused (the in-process worker needs none).
    /// </summary>
    [ConfigurationKeyName("callback_secrets")]
    public string CallbackSecrets { get; set; } = "";

    /// <summary>How far a callback's timestamp may lie from the server's clock, either way.</summary>
    [ConfigurationKeyName("callback_tolerance_seconds")]
    [Range(1, 3600, ErrorMessage = "guides:callback_tolerance_seconds must be from 1 to 3600.")]
    public int CallbackToleranceSeconds { get; set; } = 300;

    /// <summary>Where processing makes its scratch folder (removed afterwards); empty: the system's temp folder.</summary>
    [ConfigurationKeyName("scratch_dir")]
    public string? ScratchDir { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            CallbackSignature.ParseSecrets(CallbackSecrets);
        }
        catch (InvalidOperationException e)
        {
            problem = e.Message;
        }
        if (problem is not null) yield return new ValidationResult(problem, [nameof(CallbackSecrets)]);
    }
}
