"""Generated from protos/exprun/v1. Do not edit."""
