using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Tessera.Guides.Callbacks;
using Tessera.Guides.Instructions.Writers;
using Tessera.Guides.Processing.Speech;

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

    /// <summary>
    /// ffmpeg's scene score above which a frame starts a new screen (0–1; lower keeps more frames). Low by default: in
    /// a screen recording a new screen is often the same window with other text (a title and a few labels changing
    /// score about 0.03), while a film cut scores near 1; a still screen's compression noise scores under 0.001.
    /// </summary>
    [ConfigurationKeyName("scene_threshold")]
    [Range(0.001, 1.0, ErrorMessage = "guides:scene_threshold must be from 0.001 to 1.")]
    public double SceneThreshold { get; set; } = 0.01;

    /// <summary>The most frames one video keeps.</summary>
    [ConfigurationKeyName("max_frames")]
    [Range(1, 5000, ErrorMessage = "guides:max_frames must be from 1 to 5000.")]
    public int MaxFrames { get; set; } = 300;

    /// <summary>
    /// Which recognizer transcribes a video without a subtitle stream: <c>auto</c> (the default: <c>whisper</c> when a
    /// whisper model is installed, else <c>pocketsphinx</c>), <c>whisper</c> (whisper.cpp in process, on a model
    /// imported with <c>tessera models import-whisper</c>), <c>pocketsphinx</c> (Debian's CMU Sphinx: it needs only
    /// packages, and its accuracy is poor) or <c>remote</c> (a service with the OpenAI transcription API at
    /// <see cref="AsrUrl"/>, e.g. a Whisper server).
    /// </summary>
    [ConfigurationKeyName("recognizer")]
    public string Recognizer { get; set; } = RecognizerChoice.Auto;

    /// <summary>The installed whisper model to use (its import name); empty: the only one installed.</summary>
    [ConfigurationKeyName("whisper_model")]
    public string? WhisperModel { get; set; }

    /// <summary>The language whisper transcribes (a code such as <c>en</c> or <c>de</c>), or <c>auto</c> to detect it (multilingual models).</summary>
    [ConfigurationKeyName("whisper_language")]
    [RegularExpression("^(auto|[a-z]{2,3})$", ErrorMessage = "guides:whisper_language must be auto or a language code such as en.")]
    public string WhisperLanguage { get; set; } = "en";

    /// <summary>pocketsphinx_continuous (Debian packages <c>pocketsphinx</c> and <c>pocketsphinx-en-us</c>).</summary>
    [ConfigurationKeyName("pocketsphinx_path")]
    public string PocketsphinxPath { get; set; } = "pocketsphinx_continuous";

    /// <summary>The remote recognizer's API base, e.g. <c>https://api.openai.com/v1</c> or <c>http://gpu-box:8000/v1</c>.</summary>
    [ConfigurationKeyName("asr_url")]
    public string? AsrUrl { get; set; }

    /// <summary>The model the remote recognizer is asked for.</summary>
    [ConfigurationKeyName("asr_model")]
    public string AsrModel { get; set; } = "whisper-1";

    /// <summary>Sent as a bearer token to the remote recognizer; empty: none.</summary>
    [ConfigurationKeyName("asr_api_key")]
    public string? AsrApiKey { get; set; }

    /// <summary>How long the remote recognizer may take over one video.</summary>
    [ConfigurationKeyName("asr_timeout_seconds")]
    [Range(5, 86_400, ErrorMessage = "guides:asr_timeout_seconds must be from 5 to 86400.")]
    public int AsrTimeoutSeconds { get; set; } = 900;

    /// <summary>
    /// tesseract (Debian packages <c>tesseract-ocr</c>, <c>tesseract-ocr-eng</c>), which reads the text on each kept
    /// frame so a step is pinned to the screen that shows what it names. Empty: frames are not read.
    /// </summary>
    [ConfigurationKeyName("tesseract_path")]
    public string TesseractPath { get; set; } = "tesseract";

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

    /// <summary>The font annotations' and PDF exports' text is set in (a TrueType file), so neither depends on a machine's fonts.</summary>
    [ConfigurationKeyName("annotation_font_path")]
    public string AnnotationFontPath { get; set; } = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    /// <summary>How long an export's signed download URL works (each GET of the export signs a new one).</summary>
    [ConfigurationKeyName("export_url_ttl_seconds")]
    [Range(10, 604_800, ErrorMessage = "guides:export_url_ttl_seconds must be from 10 to 604800.")]
    public int ExportUrlTtlSeconds { get; set; } = 900;

    /// <summary>Where processing makes its scratch folder (removed afterwards); empty: the system's temp folder.</summary>
    [ConfigurationKeyName("scratch_dir")]
    public string? ScratchDir { get; set; }

    /// <summary>
    /// Which writer turns a transcript into steps: <c>rules</c> (the built-in rule-based writer, the default) or
    /// <c>remote</c> (a writer service at <see cref="WriterUrl"/>, e.g. an LLM behind an adapter; docs/guides.md).
    /// </summary>
    [ConfigurationKeyName("writer")]
    public string Writer { get; set; } = RuleStepWriter.WriterKind;

    /// <summary>The remote writer's endpoint, posted the transcript and screens, e.g. <c>http://writer-box:8080/v1/steps</c>.</summary>
    [ConfigurationKeyName("writer_url")]
    public string? WriterUrl { get; set; }

    /// <summary>Sent as a bearer token to the remote writer; empty: none.</summary>
    [ConfigurationKeyName("writer_api_key")]
    public string? WriterApiKey { get; set; }

    /// <summary>How long the remote writer may take over one transcript.</summary>
    [ConfigurationKeyName("writer_timeout_seconds")]
    [Range(1, 3600, ErrorMessage = "guides:writer_timeout_seconds must be from 1 to 3600.")]
    public int WriterTimeoutSeconds { get; set; } = 300;

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
        if (Recognizer is not (RecognizerChoice.Auto or WhisperRecognizer.RecognizerName or PocketsphinxRecognizer.RecognizerName or RemoteSpeechRecognizer.RecognizerName))
            yield return new ValidationResult($"guides:recognizer must be {RecognizerChoice.Auto}, {WhisperRecognizer.RecognizerName}, {PocketsphinxRecognizer.RecognizerName} or {RemoteSpeechRecognizer.RecognizerName}, not '{Recognizer}'.", [nameof(Recognizer)]);
        if (Recognizer == RemoteSpeechRecognizer.RecognizerName &&
            !(Uri.TryCreate(AsrUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            yield return new ValidationResult("guides:recognizer is remote, so guides:asr_url must be the service's http(s) API base (e.g. http://gpu-box:8000/v1).", [nameof(AsrUrl)]);
        if (Writer is not (RuleStepWriter.WriterKind or RemoteStepWriter.WriterKind))
            yield return new ValidationResult($"guides:writer must be {RuleStepWriter.WriterKind} or {RemoteStepWriter.WriterKind}, not '{Writer}'.", [nameof(Writer)]);
        if (Writer == RemoteStepWriter.WriterKind && !(Uri.TryCreate(WriterUrl, UriKind.Absolute, out var writerUrl) && writerUrl.Scheme is "http" or "https"))
            yield return new ValidationResult("guides:writer is remote, so guides:writer_url must be the writer service's http(s) endpoint (e.g. http://writer-box:8080/v1/steps).", [nameof(WriterUrl)]);
    }
}
