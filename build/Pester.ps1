# Runs tests/ with Pester 5 in a child pwsh and returns its summary.

function Invoke-PesterTests {
    param(
        [Parameter(Mandatory)] [string] $RepoRoot,
        [string] $FullNameFilter,
        [string[]] $Tag
    )
    $pester = Install-Pester -RepoRoot $RepoRoot
    Write-Step "Pester ($pester) on tests/"

    $outDir = Join-Path $RepoRoot 'out'
    New-Item -ItemType Directory -Force -Path $outDir | Out-Null
    $summaryFile = Join-Path $outDir 'pester-summary.json'
    Remove-Item -LiteralPath $summaryFile -ErrorAction Ignore

    $arguments = @(
        '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Invoke-PesterChild.ps1'),
        '-PesterManifest', $pester,
        '-TestPath', (Join-Path $RepoRoot 'tests'),
        '-ResultFile', (Join-Path $outDir 'pester-results.xml'),
        '-SummaryFile', $summaryFile
    )
    if ($FullNameFilter) { $arguments += '-FullNameFilter', $FullNameFilter }
    # -File passes each argument as one string: send tags comma-joined, the child splits them.
    if ($Tag) { $arguments += '-Tag', ($Tag -join ',') }

    & (Get-PwshPath) @arguments | Out-Host
    $exitCode = $LASTEXITCODE

    if (-not (Test-Path -LiteralPath $summaryFile)) {
        # Pester itself did not get to the end (bad install, crash): that is a failure.
        return [pscustomobject]@{ ExitCode = ($exitCode -ne 0 ? $exitCode : 1); Passed = 0; Failed = 1; Skipped = 0; Total = 0 }
    }
    $summary = Get-Content -LiteralPath $summaryFile -Raw | ConvertFrom-Json
    [pscustomobject]@{
        ExitCode = $exitCode
        Passed   = [int]$summary.Passed
        Failed   = [int]$summary.Failed
        Skipped  = [int]$summary.Skipped
        Total    = [int]$summary.Total
    }
}
