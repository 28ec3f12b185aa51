namespace Tessera.Chem;

/// <summary>The stable <c>code</c>s Chem answers with; clients branch on these, so they never change once shipped.</summary>
internal static class ChemErrorCodes
{
    public const string UnknownFormat = "CHEM_UNKNOWN_FORMAT";
    public const string TooManyRecords = "CHEM_TOO_MANY_RECORDS";
    public const string NoValidMolecules = "CHEM_NO_VALID_MOLECULES";
    public const string UploadFormInvalid = "CHEM_UPLOAD_FORM_INVALID";
    public const string ToolFailed = "CHEM_TOOL_FAILED";
    public const string SchemaInvalid = "CHEM_TASK_SCHEMA_INVALID";
    public const string ParametersInvalid = "CHEM_PARAMETERS_INVALID";
    public const string TaskVersionExists = "CHEM_TASK_VERSION_EXISTS";
    public const string TaskNameReserved = "CHEM_TASK_NAME_RESERVED";
    public const string DockingFailed = "CHEM_DOCKING_FAILED";
    public const string TaskNotExecutable = "CHEM_TASK_NOT_EXECUTABLE";
    public const string ExecutionInputMissing = "CHEM_EXECUTION_INPUT_MISSING";
    public const string NoLiveService = "CHEM_NO_LIVE_SERVICE";
    public const string ServiceTaskUnknown = "CHEM_SERVICE_TASK_UNKNOWN";
    public const string ServiceFailed = "CHEM_SERVICE_FAILED";
    public const string TaskExecuteForbidden = "CHEM_TASK_EXECUTE_FORBIDDEN";
    public const string QuotaConcurrentExecutions = "CHEM_QUOTA_CONCURRENT_EXECUTIONS";
    public const string QuotaCpuSeconds = "CHEM_QUOTA_CPU_SECONDS";
    public const string QuotaStoredBytes = "CHEM_QUOTA_STORED_BYTES";
    public const string ResultInvalid = "CHEM_RESULT_INVALID";
    public const string PipelineInvalid = "CHEM_PIPELINE_INVALID";
    public const string PipelineParametersInvalid = "CHEM_PIPELINE_PARAMETERS_INVALID";
    public const string PipelineStepParametersInvalid = "CHEM_PIPELINE_STEP_PARAMETERS_INVALID";

    // Per rejected record of an upload.
    public const string RecordUnreadable = "RECORD_UNREADABLE";
    public const string RecordEmpty = "RECORD_EMPTY";
    public const string RecordTimedOut = "RECORD_TIMED_OUT";
}
