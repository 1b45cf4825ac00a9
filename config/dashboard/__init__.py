"""The dashboard, the exports and the governance report (issue 10): the policy's
promises (POL-2, POL-4.5, POL-7.7) as figures people can see, print and download."""
