# The CI-sized soak (docs/reliability.md): 5,000 users through ~30 % injected faults in a fresh
# pwsh (bench/soak.ps1; the 100,000-user run is bench/, not CI). Every input has exactly one
# outcome, every user is revoked, nobody retried early.

Describe 'Soak: 5,000 users through ~30 % injected faults' -Tag Slow {
    It 'gives every input exactly one outcome, revokes every user and never retries early' {
        $pwsh = (Get-Process -Id $PID).Path
        $json = & $pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot '..' 'bench' 'soak.ps1') -Users 5000 -AsJson
        $LASTEXITCODE | Should -Be 0
        $report = $json | Select-Object -Last 1 | ConvertFrom-Json

        $report.WithoutOutcome | Should -Be 0
        $report.Duplicated | Should -Be 0
        ($report.Results + $report.Errors) | Should -Be 5000
        $report.Errors | Should -Be 0 -Because "ten retries outlast ~30 % random faults (errors by id: $($report.ErrorsById | ConvertTo-Json -Compress))"
        $report.RevokedUsers | Should -Be 5000
        $report.EarlyRetries | Should -Be 0
        $report.Throttled | Should -BeGreaterThan 500 -Because 'the faults were injected'
    }
}
