# -Verbose and -Debug (issue "PowerShell experience", point 6): one verbose line per request with
# method, path, status, attempt and duration; headers under -Debug with Authorization redacted;
# the token in no stream at all.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force
    $Emulator = Start-GraphEmulator
    # A token that is easy to find in any text it might leak into.
    $Secret = 'verbose-debug-secret-' + [guid]::NewGuid().ToString('N')
    Add-GraphEmulatorToken -Emulator $Emulator -Token $Secret -Roles 'User.RevokeSessions.All', 'User.Read.All' | Out-Null
    Connect-GraphEmulator -Emulator $Emulator -Name 'VerboseDebugEmulator' -Token $Secret
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Request logging' {
    It 'writes one verbose line per request with method, path, status, attempt and duration' {
        $verbose = 'AdeleV@contoso.com', 'nobody@contoso.com' | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^POST ' }
        $verbose.Count | Should -Be 2
        @($verbose.Message -match '^POST /v1\.0/users/AdeleV@contoso\.com/revokeSignInSessions -> 200 \(attempt 1, \d+ ms\)$').Count | Should -Be 1
        @($verbose.Message -match '^POST /v1\.0/users/nobody@contoso\.com/revokeSignInSessions -> 404 \(attempt 1, \d+ ms\)$').Count | Should -Be 1
    }

    It 'logs every attempt of a retried request' {
        # Reset would also drop this file's token, so only the fault is switched on and off.
        Set-GraphEmulatorFault -Emulator $Emulator @{ rate503 = 1.0 } | Out-Null
        try {
            $verbose = Revoke-EntraUserAllRefreshToken -UserId 'AlexW@contoso.com' -MaxRetry 2 -ErrorAction SilentlyContinue -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^POST ' }
        }
        finally {
            Set-GraphEmulatorFault -Emulator $Emulator @{ rate503 = 0.0 } | Out-Null
        }
        ($verbose.Message | ForEach-Object { if ($_ -match '-> 503 \(attempt (\d+),') { [int] $Matches[1] } }) | Should -Be @(1, 2, 3)
    }

    It 'shows request and response headers under -Debug with Authorization redacted' {
        $debug = Revoke-EntraUserAllRefreshToken -UserId 'MeganB@contoso.com' -Debug 5>&1 |
            Where-Object { $_ -is [System.Management.Automation.DebugRecord] }
        $request = $debug.Message | Where-Object { $_ -match 'request headers:' }
        $request | Should -Match 'authorization: <redacted>'
        $request | Should -Match 'client-request-id: [0-9a-f-]{36}'
        $debug.Message | Where-Object { $_ -match 'response headers:' } | Should -Match 'request-id: [0-9a-f-]{36}'
    }

    It 'never shows the token in any stream, also for Get-EntraUser and failures' {
        $everything = & {
            'LeeG@contoso.com', 'nobody@contoso.com', '../me' | Revoke-EntraUserAllRefreshToken -Verbose -Debug -ErrorAction Continue
            Get-EntraUser -Top 3 -Verbose -Debug
            Get-EntraContext
        } *>&1 | Out-String -Width 4096
        $everything | Should -Match 'redacted'
        $everything | Should -Not -Match ([regex]::Escape($Secret))
        ($Error | Out-String -Width 4096) | Should -Not -Match ([regex]::Escape($Secret))
    }

    It 'does not prompt or throw under -Debug when no console can answer (unattended runs)' {
        $result = Revoke-EntraUserAllRefreshToken -UserId 'AlexW@contoso.com' -Debug 5>$null
        $result.Value | Should -BeTrue
    }

    It 'logs nothing without -Verbose or -Debug' {
        $records = Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' *>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord] }
        $records | Should -BeNullOrEmpty
    }
}
