"""Publishers (affiliates) who bring calls, and what they are paid."""
