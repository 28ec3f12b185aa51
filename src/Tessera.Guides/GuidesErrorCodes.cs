namespace Tessera.Guides;

/// <summary>The stable <c>code</c>s Guides answers with (the contract's); clients branch on these, so they never change once shipped.</summary>
internal static class GuidesErrorCodes
{
    public const string InvalidTransition = "INVALID_TRANSITION";
    public const string VideoUriConflict = "VIDEO_URI_CONFLICT";
    public const string VideoNotFound = "VIDEO_NOT_FOUND";
    public const string RetryNotAllowed = "RETRY_NOT_ALLOWED";
    public const string TranscriptNotReady = "TRANSCRIPT_NOT_READY";
    public const string InstructionsNotReady = "INSTRUCTIONS_NOT_READY";
    public const string CallbackUnauthorized = "CALLBACK_UNAUTHORIZED";
    public const string EventIdPayloadMismatch = "EVENT_ID_PAYLOAD_MISMATCH";
    public const string CallbackOutOfOrder = "CALLBACK_OUT_OF_ORDER";
    public const string UploadFormInvalid = "GUIDES_UPLOAD_FORM_INVALID";
    public const string ToolFailed = "GUIDES_TOOL_FAILED";
    public const string VideoInvalid = "GUIDES_VIDEO_INVALID";
    public const string TranscriptUnavailable = "GUIDES_TRANSCRIPT_UNAVAILABLE";
    public const string RecognizerUnavailable = "GUIDES_RECOGNIZER_UNAVAILABLE";
    public const string WhisperModelMissing = "GUIDES_WHISPER_MODEL_MISSING";
    public const string WhisperModelInvalid = "GUIDES_WHISPER_MODEL_INVALID";
    public const string ProcessingFailed = "GUIDES_PROCESSING_FAILED";
    public const string ExportFailed = "GUIDES_EXPORT_FAILED";
    public const string AnnotationInvalid = "ANNOTATION_INVALID";
    public const string AnchorTargetInvalid = "ANCHOR_TARGET_INVALID";
    public const string AnchorHasNoScreenshot = "ANCHOR_HAS_NO_SCREENSHOT";
    public const string CheckpointUnknown = "GUIDES_CHECKPOINT_UNKNOWN";
    public const string WriterUnavailable = "GUIDES_WRITER_UNAVAILABLE";
    public const string WriterRefused = "GUIDES_WRITER_REFUSED";
    public const string WriterAnswerInvalid = "GUIDES_WRITER_ANSWER_INVALID";
    public const string SelectionInvalid = "SELECTION_INVALID";
    public const string RegenerateFailed = "GUIDES_REGENERATE_FAILED";
    public const string MediaNotReady = "MEDIA_NOT_READY";
    public const string ScreenshotRequestInvalid = "SCREENSHOT_REQUEST_INVALID";
    public const string ScreenshotsFailed = "GUIDES_SCREENSHOTS_FAILED";
    public const string ScreenshotInvalid = "SCREENSHOT_INVALID";
    public const string UploadNotConfirmed = "UPLOAD_NOT_CONFIRMED";
}
