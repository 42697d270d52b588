# Entry point of the child pwsh that runs the Pester tests (see Invoke-PesterTests in
# Pester.ps1). A child process loads the module's native library fresh and cannot keep it
# locked for the next build. Writes a JSON summary for the parent and exits 1 on failure.
#Requires -Version 7.4
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultFile,
    [Parameter(Mandatory)] [string] $SummaryFile,
    [string] $FullNameFilter,
    [string[]] $Tag
)
# Neither Set-StrictMode nor $ErrorActionPreference here: test scripts run in this script's
# scope and would inherit them, so tests would run under rules no user's session has (a
# non-terminating error would stop, .Count on a single object would fail).

Import-Module $PesterManifest -Force -ErrorAction Stop

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = $env:CI ? 'Detailed' : 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = $ResultFile
if ($FullNameFilter) { $configuration.Filter.FullName = $FullNameFilter }
if ($Tag) { $configuration.Filter.Tag = @($Tag -split ',' | ForEach-Object Trim | Where-Object { $_ }) }

try {
    $result = Invoke-Pester -Configuration $configuration
}
catch {
    # Pester itself failed after running the tests, e.g. the NUnit export refusing a failure
    # message with a control character (ANSI colour codes from a child pwsh). Without this the
    # summary was empty and the run exited 0 although a test had failed.
    Write-Error "Pester did not complete: $_" -ErrorAction Continue
    $result = $null
}
if ($null -eq $result) {
    [ordered]@{ Result = 'Failed'; Passed = 0; Failed = 1; Skipped = 0; Total = 0 } | ConvertTo-Json | Set-Content -LiteralPath $SummaryFile -Encoding utf8 -ErrorAction Stop
    exit 1
}

# Like Run.Exit, but the summary is written first: failures in tests, blocks (BeforeAll) or
# whole files all count.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[ordered]@{
    Result  = "$($result.Result)"
    Passed  = $result.PassedCount
    Failed  = $failed
    Skipped = $result.SkippedCount   # NotRun (filtered out) is not a skip
    Total   = $result.TotalCount
} | ConvertTo-Json | Set-Content -LiteralPath $SummaryFile -Encoding utf8 -ErrorAction Stop

exit (($failed -gt 0 -or $result.Result -eq 'Failed') ? 1 : 0)
